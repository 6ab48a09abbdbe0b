using System.Runtime.InteropServices;
namespace OtlpGrains.Agent.Bpf;

/// <summary>
/// A connection's in-kernel totals, laid out as <c>struct conn_stats</c> in <c>probes/socket_capture.bpf.c</c> (48 bytes):
/// the value of the <c>conns</c> map (at its start) and the payload of a close event.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ConnStats
{
    public const int Size = 48;

    public ulong EgressBytes;
    public ulong IngressBytes;
    public ulong EgressCalls;
    public ulong IngressCalls;
    public ulong FirstNs;
    public ulong LastNs;
}
