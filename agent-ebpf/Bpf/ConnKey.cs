using System.Runtime.InteropServices;

namespace OtlpGrains.Agent.Bpf;

/// <summary>The key of the <c>conns</c> and <c>muted</c> maps, laid out as <c>struct conn_key</c>: a process and its fd.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ConnKey
{
    public uint Tgid;
    public int Fd;
}
