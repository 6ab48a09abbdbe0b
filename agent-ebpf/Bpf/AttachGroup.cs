namespace OtlpGrains.Agent.Bpf;

/// <summary>
/// A set of interchangeable programs in the BPF object, chosen by name prefix: the loader enables one group with
/// <c>bpf_program__set_autoload</c>, and falls back to the next when load or attach fails. A kprobe/fentry group
/// (e.g. on <c>tcp_sendmsg</c>) would slot in here on kernels that have them.
/// </summary>
public sealed record AttachGroup(string Name, string ProgramPrefix, string Description)
{
    /// <summary>syscalls/sys_exit_* tracepoints (and sys_enter_close): only the syscalls we trace fire; needs tracefs.</summary>
    public static AttachGroup SyscallTracepoints { get; } =
        new("tracepoints", "tp_", "syscall tracepoints (syscalls/sys_exit_*, sys_enter_close)");

    /// <summary>tp_btf on raw sys_enter/sys_exit: needs no tracefs, but runs a switch on every syscall of the node.</summary>
    public static AttachGroup RawSyscalls { get; } =
        new("tp_btf", "raw_", "tp_btf raw syscall tracepoints (sys_enter, sys_exit)");

    /// <summary>Groups in order of preference.</summary>
    public static IReadOnlyList<AttachGroup> All { get; } = [SyscallTracepoints, RawSyscalls];

    /// <summary>What must hold before loading, or null when nothing is missing.</summary>
    public string? EnsurePrerequisites() => ReferenceEquals(this, SyscallTracepoints) ? Tracefs.Ensure() : null;
}
