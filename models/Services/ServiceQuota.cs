namespace OtlpGrains.Models.Services;

/// <summary>
/// Which new services may be created: at most <c>maxServices</c> in all, and at most <c>maxPerKey</c> created by one
/// API key (requests without a key count only against the total). Works on the catalog's own collections, so that
/// what it admits is what the catalog stores.
/// </summary>
public sealed class ServiceQuota
{
    private readonly HashSet<string> _services;
    private readonly Dictionary<string, string> _createdBy;
    private readonly Dictionary<string, int> _perKey;
    private readonly int _maxServices;
    private readonly int _maxPerKey;

    /// <param name="services">The known services; admitted ones are added.</param>
    /// <param name="createdBy">The key that created each service admitted with one; admitted ones are added.</param>
    /// <param name="maxServices">Services held at most.</param>
    /// <param name="maxPerKey">New services one key may create.</param>
    public ServiceQuota(HashSet<string> services, Dictionary<string, string> createdBy, int maxServices, int maxPerKey)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(createdBy);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxServices, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerKey, 1);
        _services = services;
        _createdBy = createdBy;
        _maxServices = maxServices;
        _maxPerKey = maxPerKey;
        _perKey = createdBy.Values.CountBy(key => key, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// Admits <paramref name="names"/> for <paramref name="key"/> (empty: no key), known ones always, in order while
    /// the limits allow. Returns the names refused (empty when none) and whether any was added.
    /// </summary>
    public (string[] Refused, bool Added) Admit(IEnumerable<string> names, string key)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(key);
        List<string>? refused = null;
        bool added = false;
        foreach (string name in names)
        {
            if (_services.Contains(name))
            {
                continue;
            }

            int byKey = key.Length == 0 ? 0 : _perKey.GetValueOrDefault(key);
            if (_services.Count >= _maxServices || byKey >= _maxPerKey)
            {
                (refused ??= []).Add(name);
                continue;
            }

            _services.Add(name);
            if (key.Length > 0)
            {
                _createdBy[name] = key;
                _perKey[key] = byKey + 1;
            }

            added = true;
        }

        return (refused is null ? [] : [.. refused], added);
    }
}
