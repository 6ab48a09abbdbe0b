using System.Text;
using OtlpGrains.Agent.Bpf;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Protocols;
using OtlpGrains.Agent.Tracking;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>Socket-less TLS plaintext (memory BIOs) takes the socket of the record that carried it.</summary>
public sealed class MemoryBioCorrelatorTests
{
    private const int Pid = 7;
    private const int Fd = 30;
    private static readonly byte[] Request = Encoding.ASCII.GetBytes("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    private static readonly byte[] Response = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

    [Theory]
    [InlineData(1, 22)] // same thread, TLS 1.3
    [InlineData(2, 22)] // the record left on another thread (an async continuation)
    [InlineData(2, 29)] // another thread, TLS 1.2 AES-GCM
    public void AWriteTakesTheSocketOfItsRecord(int recordThread, int overhead)
    {
        var exchanges = new List<(ConnectionInfo Info, ProtocolExchange Exchange)>();
        var tracker = new ConnectionTracker((info, exchange) => exchanges.Add((info, exchange)));
        var correlator = new MemoryBioCorrelator();

        Feed(correlator, tracker, Plaintext(SocketDirection.Egress, tid: 1, Request, 100));
        Feed(correlator, tracker, Record(SocketDirection.Egress, recordThread, Request.Length + overhead, 110));
        Feed(correlator, tracker, Record(SocketDirection.Ingress, tid: 1, Response.Length + overhead, 200));
        Feed(correlator, tracker, Plaintext(SocketDirection.Ingress, tid: 1, Response, 210));

        Assert.Equal((2, 0), (correlator.Correlated, correlator.Unmatched));
        var (info, exchange) = Assert.Single(exchanges);
        Assert.Equal(("GET", "/hello", 200, true), (exchange.Method, exchange.Path, exchange.StatusCode, info.IsTls));
    }

    [Fact]
    public void ARecordOfAnotherLengthOnAnotherThreadIsNotTaken()
    {
        var tracker = new ConnectionTracker((_, _) => { });
        var correlator = new MemoryBioCorrelator();

        Feed(correlator, tracker, Plaintext(SocketDirection.Egress, tid: 1, Request, 100));
        Feed(correlator, tracker, Record(SocketDirection.Egress, tid: 2, Request.Length + 500, 110));

        Assert.Equal(0, correlator.Correlated);
    }

    private static void Feed(MemoryBioCorrelator correlator, ConnectionTracker tracker, SocketEvent e)
    {
        using (e)
        {
            correlator.OnEvent(e, followed: true, tracker);
            if (!(e.IsTlsPlaintext && e.Fd < 0))
            {
                tracker.OnEvent(e);
            }
        }
    }

    private static SocketEvent Plaintext(SocketDirection direction, int tid, byte[] bytes, long timestampNs) =>
        new(Header(direction, tid, -1, bytes.Length, EventFlags.Tls, timestampNs), bytes);

    // An application-data record (type 23, version 3.3) of the given length; only its first bytes are captured.
    private static SocketEvent Record(SocketDirection direction, int tid, int length, long timestampNs) =>
        new(Header(direction, tid, Fd, length, 0, timestampNs), [23, 3, 3, (byte)((length - 5) >> 8), (byte)(length - 5), 0xAA, 0xBB, 0xCC]);

    private static EventHeader Header(SocketDirection direction, int tid, int fd, int length, uint flags, long timestampNs) => new()
    {
        Kind = (byte)SocketEventKind.Data,
        Direction = (byte)direction,
        Pid = Pid,
        Tid = (uint)tid,
        Fd = fd,
        OriginalLength = (uint)length,
        CapturedLength = (uint)length,
        Flags = flags,
        TimestampNs = (ulong)timestampNs,
        Family = 2,
        SourcePort = 50000,
        DestinationPort = 443,
    };
}
