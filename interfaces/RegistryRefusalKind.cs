namespace OtlpGrains.Interfaces;

/// <summary>Why the registry refused; the API maps each kind to one HTTP status.</summary>
[GenerateSerializer, Alias("otlpgrains.RegistryRefusalKind")]
public enum RegistryRefusalKind
{
    /// <summary>The request itself is wrong: a missing field, unknown kind, corrupt artifact, schema mismatch (400).</summary>
    Invalid = 0,

    /// <summary>No such model or version (404).</summary>
    NotFound = 1,

    /// <summary>The stage rules or a registry limit forbid it now (409).</summary>
    Conflict = 2,

    /// <summary>The artifact is larger than the limit (413).</summary>
    TooLarge = 3,

    /// <summary>This silo cannot load models of the kind: its native library is missing or will not load (503).</summary>
    Unavailable = 4,
}
