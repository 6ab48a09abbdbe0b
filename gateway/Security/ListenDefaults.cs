using System.Net;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// The listeners' address when none is configured: every interface when keys guard them, loopback when nothing does,
/// so that the single-node start needs no settings and is not open to the network.
/// </summary>
public static class ListenDefaults
{
    public const string Loopback = "127.0.0.1";
    public const string AnyInterface = "0.0.0.0";

    public static string Resolve(string? configured, SecurityOptions security)
    {
        ArgumentNullException.ThrowIfNull(security);
        return !string.IsNullOrWhiteSpace(configured) ? configured : security.HasKeys ? AnyInterface : Loopback;
    }

    /// <summary>True when <paramref name="address"/> is reachable from this host only.</summary>
    public static bool IsLoopback(string address) => IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip);
}
