using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Tests;

/// <summary>
/// The catalog's admission without a cluster: admits new services up to <see cref="MaxServices"/> (all, by default),
/// whatever the key. It ignores the factory's <c>Completion</c> and <c>Failure</c>, which are about the grains that
/// take the batches, and its calls are not counted in <c>Calls</c>.
/// </summary>
internal sealed class FakeServiceCatalogGrain : IServiceCatalogGrain
{
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);

    public int MaxServices { get; set; } = int.MaxValue;

    /// <summary>Admission calls made so far.</summary>
    public int Admissions { get; private set; }

    public ValueTask RegisterAsync(string service)
    {
        _services.Add(service);
        return ValueTask.CompletedTask;
    }

    public ValueTask<string[]> AdmitAsync(string[] services, string key)
    {
        Admissions++;
        var refused = new List<string>();
        foreach (var service in services)
        {
            if (!_services.Contains(service) && (_services.Count >= MaxServices || !_services.Add(service)))
            {
                refused.Add(service);
            }
        }

        return ValueTask.FromResult(refused.ToArray());
    }

    public ValueTask<string[]> GetServicesAsync() => ValueTask.FromResult(_services.Order(StringComparer.Ordinal).ToArray());
}
