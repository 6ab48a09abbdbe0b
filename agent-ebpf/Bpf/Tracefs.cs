namespace OtlpGrains.Agent.Bpf;

/// <summary>
/// libbpf resolves a tracepoint's id through tracefs. Minimal hosts and containers often do not mount it, so the
/// agent mounts it when it can (as root) rather than losing the cheaper attach group.
/// </summary>
internal static class Tracefs
{
    private const string Path = "/sys/kernel/tracing";
    private const string LegacyPath = "/sys/kernel/debug/tracing";

    public static bool IsMounted() =>
        Directory.Exists($"{Path}/events/syscalls") || Directory.Exists($"{LegacyPath}/events/syscalls");

    /// <summary>Null when syscall tracepoints are visible (mounting tracefs if needed), else why not.</summary>
    public static string? Ensure()
    {
        if (IsMounted())
        {
            return null;
        }

        if (!Directory.Exists(Path))
        {
            return $"tracefs is not mounted and {Path} does not exist";
        }

        if (Libc.Mount("tracefs", Path, "tracefs", 0, 0) != 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            return $"tracefs is not mounted and mounting it at {Path} failed (errno {errno})";
        }

        return IsMounted() ? null : "tracefs is mounted but has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS?)";
    }
}
