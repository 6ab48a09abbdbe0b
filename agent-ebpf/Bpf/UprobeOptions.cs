using System.Runtime.InteropServices;

namespace OtlpGrains.Agent.Bpf;

/// <summary>
/// libbpf's <c>struct bpf_uprobe_opts</c> as of libbpf 1.1 (40 bytes). Newer libbpf versions append fields and accept
/// the shorter size, so passing this size works with them too.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UprobeOptions
{
    public nuint Size;
    public nuint ReferenceCounterOffset;
    public ulong Cookie;
    public byte Retprobe; // C bool; a byte keeps the managed layout identical to the native one
    public nint FunctionName;
}
