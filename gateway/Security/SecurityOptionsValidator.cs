using Microsoft.Extensions.Options;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// Checks the keys at start-up, one line per problem naming the setting. A hash's value is never shown: a key pasted
/// in place of its hash would end up in the log.
/// </summary>
internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    private const string Section = SecurityOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var failures = new List<string>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var key = options.Keys[i];
            var setting = $"{Section}:Keys:{i}";
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                failures.Add($"{setting}:Name must not be empty");
            }
            else if (!names.TryAdd(key.Name, i))
            {
                failures.Add($"{setting}:Name '{key.Name}' is already the name of {Section}:Keys:{names[key.Name]}");
            }

            if (!IsSha256Hex(key.Hash))
            {
                failures.Add($"{setting}:Hash of key '{key.Name}' must be 64 lowercase hex digits (printf %s \"$KEY\" | sha256sum), not a {key.Hash.Length}-character value");
            }
            else if (!hashes.TryAdd(key.Hash, key.Name))
            {
                failures.Add($"{setting}:Hash of key '{key.Name}' is also the hash of key '{hashes[key.Hash]}'");
            }

            if (key.Roles.Count == 0)
            {
                failures.Add($"{setting}:Roles of key '{key.Name}' is empty: give one or more of {string.Join(", ", AccessRoleNames.Known)}");
            }

            foreach (var role in key.Roles.Where(r => !AccessRoleNames.TryParse(r, out _)))
            {
                failures.Add($"{setting}:Roles of key '{key.Name}' has unknown role '{role}' (known: {string.Join(", ", AccessRoleNames.Known)})");
            }
        }

        if (options.RequestsPerSecond < 0)
        {
            failures.Add($"{Section}:RequestsPerSecond must be at least 0 (0 turns the limit off), not {options.RequestsPerSecond}");
        }

        return Result(failures);
    }

    private static bool IsSha256Hex(string hash) =>
        hash.Length == 64 && hash.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
