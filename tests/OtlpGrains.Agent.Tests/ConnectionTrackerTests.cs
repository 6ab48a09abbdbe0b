using System.Net;
using System.Text;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Protocols;
using OtlpGrains.Agent.Tracking;
using Xunit;

namespace OtlpGrains.Agent.Tests;

public sealed class ConnectionTrackerTests
{
    private static readonly IPEndPoint Peer = new(IPAddress.Loopback, 40000);

    private readonly List<(ConnectionInfo Info, ProtocolExchange Exchange)> _exchanges = [];

    [Fact]
    public void AcceptedHttpConnectionYieldsServerExchanges()
    {
        var tracker = new ConnectionTracker((info, exchange) => _exchanges.Add((info, exchange)));
        tracker.OnEvent(SocketEventKind.Accept, SocketDirection.Ingress, 10, 5, 100, [], 0, Peer);
        Data(tracker, 10, 5, SocketDirection.Ingress, 200, "GET /a?x=1 HTTP/1.1\r\nHost: h\r\ntraceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n\r\n");
        Data(tracker, 10, 5, SocketDirection.Egress, 300, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        Data(tracker, 10, 5, SocketDirection.Ingress, 400, "GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
        Data(tracker, 10, 5, SocketDirection.Egress, 500, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        Assert.Equal(2, _exchanges.Count);
        var (info, first) = _exchanges[0];
        Assert.Equal(10, info.Pid);
        Assert.Equal(ConnectionRole.Server, info.Role);
        Assert.Equal(Peer, info.Remote);
        Assert.Equal(("GET", "/a", 404), (first.Method, first.Path, first.StatusCode));
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", first.TraceParent);
        Assert.Equal(200, first.RequestStartNs);
        Assert.Equal(("/b", 200), (_exchanges[1].Exchange.Path, _exchanges[1].Exchange.StatusCode));
        Assert.Equal(2, tracker.Exchanges);
    }

    [Fact]
    public void ConnectionSeenMidwayIsSniffedAndClosingForgetsIt()
    {
        var tracker = new ConnectionTracker((info, exchange) => _exchanges.Add((info, exchange)));
        Data(tracker, 11, 7, SocketDirection.Egress, 10, "*1\r\n$4\r\nPING\r\n");
        Data(tracker, 11, 7, SocketDirection.Ingress, 20, "+PONG\r\n");
        var (info, exchange) = Assert.Single(_exchanges);
        Assert.Equal(ConnectionRole.Client, info.Role);
        Assert.Equal(ProtocolKind.Redis, info.Protocol);
        Assert.Equal("PING", exchange.Operation);

        Assert.Equal(1, tracker.Count);
        tracker.OnEvent(SocketEventKind.Close, SocketDirection.Egress, 11, 7, 30, [], 0, null);
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public void UnknownBytesAreIgnoredAfterAFewChunks()
    {
        var tracker = new ConnectionTracker((info, exchange) => _exchanges.Add((info, exchange)));
        for (var i = 0; i < ConnectionTracker.SniffChunks + 3; i++)
        {
            tracker.OnEvent(SocketEventKind.Data, SocketDirection.Egress, 12, 3, i, [0x17, 0x03, 0x03, 0x00, 0x10, (byte)i], 6, Peer);
        }

        Assert.Empty(_exchanges);
        Assert.Equal(1, tracker.Unrecognised);
    }

    [Fact]
    public void TlsPlaintextIsParsedAfterTheHandshakeAndCiphertextIsIgnored()
    {
        var tracker = new ConnectionTracker((info, exchange) => _exchanges.Add((info, exchange)));
        tracker.OnEvent(SocketEventKind.Connect, SocketDirection.Egress, 13, 4, 10, [], 0, Peer);
        // Handshake records from SSL_connect (not probed): neither sniffed nor counted as unrecognised.
        byte[] hello = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc];
        tracker.OnEvent(SocketEventKind.Data, SocketDirection.Egress, 13, 4, 20, hello, 517, Peer);
        for (var i = 0; i < ConnectionTracker.SniffChunks + 1; i++)
        {
            tracker.OnEvent(SocketEventKind.Data, SocketDirection.Ingress, 13, 4, 30 + i, [0x17, 0x03, 0x03, 0x00, 0x45, (byte)i], 6, Peer);
        }

        Tls(tracker, SocketDirection.Egress, 100, "GET /secure HTTP/1.1\r\nHost: h\r\n\r\n");
        // SSL_shutdown's close_notify (ciphertext) between plaintext chunks changes nothing.
        tracker.OnEvent(SocketEventKind.Data, SocketDirection.Egress, 13, 4, 150, [0x17, 0x03, 0x03, 0x00, 0x13], 24, Peer);
        Tls(tracker, SocketDirection.Ingress, 200, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");

        var (info, exchange) = Assert.Single(_exchanges);
        Assert.True(info.IsTls);
        Assert.Equal(ConnectionRole.Client, info.Role);
        Assert.Equal(ProtocolKind.Http1, info.Protocol);
        Assert.Equal(("GET", "/secure", 201, 100L, 200L), (exchange.Method, exchange.Path, exchange.StatusCode, exchange.RequestStartNs, exchange.ResponseEndNs));
        Assert.Equal(0, tracker.Unrecognised);
        Assert.Equal(1, tracker.Encrypted);

        // Plaintext whose socket is unknown (a memory BIO) is counted, not guessed.
        var bytes = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n");
        tracker.OnEvent(SocketEventKind.Data, SocketDirection.Egress, 13, -1, 300, bytes, bytes.Length, null, null, tlsPlaintext: true);
        Assert.Equal(1, tracker.TlsWithoutSocket);
        Assert.Equal(1, tracker.Count);
    }

    [Fact]
    public void TheIdlestConnectionIsEvictedAtCapacity()
    {
        var tracker = new ConnectionTracker((_, _) => { }, maxConnections: 2);
        tracker.OnEvent(SocketEventKind.Connect, SocketDirection.Egress, 1, 1, 100, [], 0, Peer);
        tracker.OnEvent(SocketEventKind.Connect, SocketDirection.Egress, 1, 2, 50, [], 0, Peer);
        tracker.OnEvent(SocketEventKind.Connect, SocketDirection.Egress, 1, 3, 200, [], 0, Peer);
        Assert.Equal(2, tracker.Count);
        Assert.Equal(1, tracker.Evicted);
    }

    private static void Tls(ConnectionTracker tracker, SocketDirection direction, long time, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        tracker.OnEvent(SocketEventKind.Data, direction, 13, 4, time, bytes, bytes.Length, Peer, null, tlsPlaintext: true);
    }

    private static void Data(ConnectionTracker tracker, int pid, int fd, SocketDirection direction, long time, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        tracker.OnEvent(SocketEventKind.Data, direction, pid, fd, time, bytes, bytes.Length, Peer);
    }
}
