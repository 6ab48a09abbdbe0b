namespace OtlpGrains.Gateway.Security;

/// <summary>
/// A configured key: its name, the SHA-256 of its bytes and the roles it holds. One instance per key for the host's
/// life, so the request it authenticated carries it as a feature and the rate limiter partitions on it.
/// </summary>
internal sealed class ApiKey(string name, byte[] hash, AccessRoles roles)
{
    public string Name { get; } = name;

    public ReadOnlySpan<byte> Hash => hash;

    /// <summary>The roles as configured, with <see cref="AccessRoles.Read"/> added to <see cref="AccessRoles.Admin"/>.</summary>
    public AccessRoles Roles { get; } = (roles & AccessRoles.Admin) != 0 ? roles | AccessRoles.Read : roles;

    public bool Holds(AccessRoles role) => (Roles & role) == role;
}
