using System.Diagnostics;
using Xunit;

namespace OtlpGrains.Silo.Tests.Federation;

/// <summary>
/// A test that puts a silo in a network namespace of its own (<c>ip netns</c>): skipped, with the reason, where
/// namespaces cannot be made (not root, or no iproute2); run everywhere else, as tests/run.sh runs as root.
/// </summary>
public sealed class NetworkNamespaceFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    public NetworkNamespaceFactAttribute()
    {
        if (Unavailable.Value is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>Null when this process can make network namespaces; otherwise why not.</summary>
    public static string? Why => Unavailable.Value;

    private static string? Probe()
    {
        if (Environment.UserName != "root")
        {
            return $"ip netns needs root; this runs as {Environment.UserName} (tests/run.sh runs as root)";
        }

        try
        {
            using var ip = Process.Start(new ProcessStartInfo("ip", ["netns", "list"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            ip.StandardOutput.ReadToEnd();
            var error = ip.StandardError.ReadToEnd();
            if (!ip.WaitForExit(10_000))
            {
                ip.Kill();
                return "ip netns list did not answer within 10 s";
            }

            return ip.ExitCode == 0 ? null : $"ip netns list failed ({ip.ExitCode}): {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return $"no ip command (iproute2): {exception.Message}";
        }
    }
}
