using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using OtlpGrains.Agent.Bpf;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.Protocols;
using OtlpGrains.Agent.Tracking;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>User space's side of muting and of the kernel's per-connection totals.</summary>
public sealed class ConnectionMuteTests
{
    private static readonly IPEndPoint Peer = new(IPAddress.Loopback, 40000);

    [Fact]
    public void UnknownProtocolIsMutedOnceAfterTheSniffChunks()
    {
        var muted = new List<(int Pid, int Fd)>();
        var tracker = new ConnectionTracker((_, _) => { }) { Mute = (pid, fd) => muted.Add((pid, fd)) };
        for (var i = 0; i < ConnectionTracker.SniffChunks + 3; i++)
        {
            Data(tracker, 7, 9, i % 2 == 0 ? SocketDirection.Egress : SocketDirection.Ingress, 100 + i, "\u0001\u0002opaque");
            Assert.Equal(i + 1 >= ConnectionTracker.SniffChunks ? 1 : 0, muted.Count);
        }

        Assert.Equal([(7, 9)], muted);
        Assert.Equal((1, 1), (tracker.Muted, tracker.Unrecognised));
    }

    [Fact]
    public void ParserThatGivesUpIsMuted()
    {
        var muted = new List<(int Pid, int Fd)>();
        var tracker = new ConnectionTracker((_, _) => { }) { Mute = (pid, fd) => muted.Add((pid, fd)) };
        tracker.OnEvent(SocketEventKind.Connect, SocketDirection.Egress, 3, 4, 1, [], 0, Peer);
        Data(tracker, 3, 4, SocketDirection.Egress, 2, "GET / HTTP/1.1\r\n\r\n");
        for (var t = 3; t < 3 + ParserLimits.MaxResyncs + 5; t++)
        {
            Data(tracker, 3, 4, SocketDirection.Ingress, t, "HTTP/1.1 200X bad status\r\n\r\n");
        }

        Assert.Equal([(3, 4)], muted);
        Assert.Equal(1, tracker.Muted);
    }

    [Fact]
    public void CloseWithTotalsReportsTheConnectionAndAddsUp()
    {
        var closed = new List<(ConnectionInfo Info, ConnectionTotals Totals)>();
        var tracker = new ConnectionTracker((_, _) => { }) { ConnectionClosed = (info, totals) => closed.Add((info, totals)) };
        tracker.OnEvent(SocketEventKind.Accept, SocketDirection.Ingress, 10, 5, 100, [], 0, Peer);
        Data(tracker, 10, 5, SocketDirection.Ingress, 200, "GET /a HTTP/1.1\r\n\r\n");
        var totals = new ConnectionTotals(BytesSent: 70_000, BytesReceived: 19, Sends: 3, Receives: 1, FirstNs: 200, LastNs: 300);
        tracker.OnEvent(SocketEventKind.Close, SocketDirection.Egress, 10, 5, 400, [], 0, Peer, totals: totals);
        tracker.OnEvent(SocketEventKind.Close, SocketDirection.Egress, 10, 6, 500, [], 0, Peer); // no totals: not reported

        var (info, reported) = Assert.Single(closed);
        Assert.Equal((10, ConnectionRole.Server, (ProtocolKind?)ProtocolKind.Http1, Peer), (info.Pid, info.Role, info.Protocol, info.Remote));
        Assert.Equal(totals, reported);
        Assert.Equal((1, 70_000, 19), (tracker.ClosedWithTotals, tracker.ClosedBytesSent, tracker.ClosedBytesReceived));
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public void CloseEventPayloadIsReadAsTotals()
    {
        Assert.Equal(ConnStats.Size, Marshal.SizeOf<ConnStats>());
        var stats = new ConnStats { EgressBytes = 1, IngressBytes = 2, EgressCalls = 3, IngressCalls = 4, FirstNs = 5, LastNs = 6 };
        var payload = MemoryMarshal.AsBytes(new ReadOnlySpan<ConnStats>(in stats));
        var close = new SocketEvent(Header(SocketEventKind.Close, 11, 12, 8080, (uint)payload.Length), payload);
        var data = new SocketEvent(Header(SocketEventKind.Data, 11, 12, 8080, (uint)payload.Length), payload);

        Assert.Equal(new ConnectionTotals(1, 2, 3, 4, 5, 6), close.Totals);
        Assert.Equal(0, close.PayloadLength);
        Assert.Null(data.Totals);
        Assert.Equal(ConnStats.Size, data.PayloadLength);
    }

    [Fact]
    public async Task PipelineMutesDataOnFilteredPortsAndLetsWatchedPortsThrough()
    {
        var exporter = new OtlpSpanExporter(new OtlpExportOptions { Endpoint = new Uri("http://127.0.0.1:9") });
        await using (exporter)
        {
            var muted = new List<(int Pid, int Fd)>();
            var pipeline = new AgentPipeline(exporter, new Uri("http://127.0.0.1:4317"), new HashSet<int> { 8080 })
            {
                Mute = (pid, fd) => muted.Add((pid, fd)),
            };
            var request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n");
            pipeline.OnEvent(new SocketEvent(Header(SocketEventKind.Connect, Environment.ProcessId, 20, 9999, 0), []));
            pipeline.OnEvent(new SocketEvent(Header(SocketEventKind.Data, Environment.ProcessId, 20, 9999, (uint)request.Length), request));
            pipeline.OnEvent(new SocketEvent(Header(SocketEventKind.Data, Environment.ProcessId, 21, 4317, (uint)request.Length), request));
            pipeline.OnEvent(new SocketEvent(Header(SocketEventKind.Data, Environment.ProcessId, 22, 8080, (uint)request.Length), request));

            Assert.Equal([(Environment.ProcessId, 20), (Environment.ProcessId, 21)], muted);
            Assert.Equal(1, pipeline.Tracker.Count); // only the watched port's connection is tracked
        }
    }

    [Fact]
    public void ExitedProcessIsNamedByItsComm()
    {
        var curl = ProcessIdentity.FromCommand(4242, "curl");
        Assert.Equal((4242, "curl", "curl", string.Empty), (curl.Pid, curl.ServiceName, curl.ExecutableName, curl.CommandLine));
        Assert.Equal("unknown_service", ProcessIdentity.FromCommand(4243, string.Empty).ServiceName);
        Assert.Null(ProcessIdentity.Read(4242, procRoot: Directory.CreateTempSubdirectory("otlpgrains-noproc-").FullName));
    }

    private static EventHeader Header(SocketEventKind kind, int pid, int fd, int remotePort, uint length) => new()
    {
        Kind = (byte)kind,
        Pid = (uint)pid,
        Tid = (uint)pid,
        Fd = fd,
        OriginalLength = length,
        CapturedLength = length,
        Family = 2,
        SourcePort = 50000,
        DestinationPort = (ushort)remotePort,
    };

    private static void Data(ConnectionTracker tracker, int pid, int fd, SocketDirection direction, long timestampNs, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        tracker.OnEvent(SocketEventKind.Data, direction, pid, fd, timestampNs, bytes, bytes.Length, Peer);
    }
}
