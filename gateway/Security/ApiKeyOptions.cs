namespace OtlpGrains.Gateway.Security;

/// <summary>One API key as settings hold it: a name, the SHA-256 of the key, and its roles.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>What logs, refusals and counters show for this key; never the key itself.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The lowercase hex SHA-256 of the key's UTF-8 bytes (<c>printf %s "$KEY" | sha256sum</c>).</summary>
    public string Hash { get; set; } = string.Empty;

    /// <summary>One or more of <c>ingest</c>, <c>read</c>, <c>admin</c>; <c>admin</c> implies <c>read</c>.</summary>
    public IList<string> Roles { get; } = [];
}
