using System.Security.Cryptography;
using System.Text;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// The configured keys, looked up by the SHA-256 of a presented key. The hash is compared with every configured hash
/// in constant time, so neither a key's bytes nor its position in the list shows in the time an answer takes.
/// </summary>
internal sealed class ApiKeyRing
{
    /// <summary>Longer presented keys are unknown without hashing them: a bound on the work a stranger can ask for.</summary>
    public const int MaxKeyChars = 512;

    private readonly ApiKey[] _keys;

    public ApiKeyRing(IEnumerable<ApiKey> keys) => _keys = [.. keys];

    public bool IsEmpty => _keys.Length == 0;

    public IReadOnlyList<ApiKey> Keys => _keys;

    /// <summary>The keys of validated settings (see <see cref="SecurityOptionsValidator"/>).</summary>
    public static ApiKeyRing From(SecurityOptions options) => new(options.Keys.Select(k => new ApiKey(
        k.Name,
        Convert.FromHexString(k.Hash),
        k.Roles.Aggregate(AccessRoles.None, (all, name) => AccessRoleNames.TryParse(name, out var role) ? all | role : all))));

    /// <summary>The key whose hash matches <paramref name="presented"/>'s, or null.</summary>
    public ApiKey? Find(ReadOnlySpan<char> presented)
    {
        if (presented.IsEmpty || presented.Length > MaxKeyChars)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[MaxKeyChars * 3];
        var length = Encoding.UTF8.GetBytes(presented, bytes);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes[..length], hash);
        CryptographicOperations.ZeroMemory(bytes[..length]);

        ApiKey? found = null;
        foreach (var key in _keys)
        {
            // Every hash is compared, whichever matched.
            if (CryptographicOperations.FixedTimeEquals(hash, key.Hash))
            {
                found = key;
            }
        }

        return found;
    }

    /// <summary>The lowercase hex SHA-256 of a key, as settings hold it.</summary>
    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
