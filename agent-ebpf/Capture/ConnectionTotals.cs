using OtlpGrains.Agent.Bpf;

namespace OtlpGrains.Agent.Capture;

/// <summary>
/// What the kernel counted for one connection (every read and write, captured, muted or cut to a header), carried by
/// its close event or read live with <see cref="SocketCapture.TryReadTotals"/>.
/// </summary>
/// <param name="BytesSent">Bytes written (egress).</param>
/// <param name="BytesReceived">Bytes read (ingress).</param>
/// <param name="Sends">Write calls.</param>
/// <param name="Receives">Read calls.</param>
/// <param name="FirstNs">The first counted call, CLOCK_MONOTONIC ns.</param>
/// <param name="LastNs">The last counted call, CLOCK_MONOTONIC ns.</param>
public readonly record struct ConnectionTotals(long BytesSent, long BytesReceived, long Sends, long Receives, long FirstNs, long LastNs)
{
    internal static ConnectionTotals From(in ConnStats stats) =>
        new((long)stats.EgressBytes, (long)stats.IngressBytes, (long)stats.EgressCalls, (long)stats.IngressCalls, (long)stats.FirstNs, (long)stats.LastNs);
}
