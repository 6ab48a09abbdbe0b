using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Protocols;
using Xunit;
using static OtlpGrains.Agent.Tests.Http2Wire;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// A read or write longer than the capture also brings its last bytes (the tail), so a parser that skips a body of
/// known length reads what follows it in the same syscall (gRPC trailers after a large message); peeked reads are not
/// captured, since the same bytes are read again.
/// </summary>
public sealed class CaptureTailTests
{
    private const int Tail = 256;

    private static readonly Func<Action<ProtocolExchange>, IProtocolParser> Server =
        sink => ProtocolParsers.Create(ProtocolKind.Http2, Direction.Ingress, sink);

    /// <summary>A unary call whose 5,000-byte reply and trailers (INTERNAL) leave the server in one write, as Kestrel does.</summary>
    private static Session LargeReply() => new Session()
        .Ingress(Concat(Preface, SettingsFrame()))
        .Egress(SettingsFrame((0x3, 100)))
        .Ingress(Concat(
            Frame(Headers, EndHeaders, 1, new Block().Indexed(3).Indexed(6).Indexing(4, "/demo.Greeter/SayHello").Indexing(31, "application/grpc").ToArray()),
            Frame(Data, EndStream, 1, GrpcMessage(12))))
        .Egress(Concat(
            Frame(Headers, EndHeaders, 1, new Block().Indexed(8).Indexing(31, "application/grpc").ToArray()),
            Frame(Data, 0, 1, GrpcMessage(5000)),
            Frame(Headers, EndHeaders | EndStream, 1, new Block().Indexing("grpc-status", "13").ToArray())))
        // A second call on the same connection: its headers are indexed from the dynamic tables, so it only parses
        // when no header block was lost.
        .Ingress(Concat(
            Frame(Headers, EndHeaders, 3, new Block().Indexed(3).Indexed(6).Indexed(63).Indexed(62).ToArray()),
            Frame(Data, EndStream, 3, GrpcMessage(12))))
        .Egress(Concat(
            Frame(Headers, EndHeaders, 3, new Block().Indexed(8).Indexed(62).ToArray()),
            Frame(Data, 0, 3, GrpcMessage(10)),
            Frame(Headers, EndHeaders | EndStream, 3, new Block().Indexing("grpc-status", "0").ToArray())));

    [Fact]
    public void TrailersAfterALargeMessageAreReadFromTheTail()
    {
        var exchanges = LargeReply().Run(Server, captureLimit: 1024, tailBytes: Tail);

        Assert.Equal([("/demo.Greeter/SayHello", 13, true), ("/demo.Greeter/SayHello", 0, false)],
            exchanges.Select(e => (e.Path, e.GrpcStatusCode ?? -1, e.IsError)));
    }

    [Fact]
    public void WithoutTheTailTheCutTrailersEndTheConnection()
    {
        IProtocolParser? parser = null;
        var exchanges = LargeReply().Run(sink => parser = Server(sink), captureLimit: 1024);

        Assert.Empty(exchanges);
        Assert.True(parser!.GaveUp);
    }

    [Fact]
    public void ATailThatOverlapsTheHeadIsIgnored()
    {
        var parser = Server(_ => { });
        var request = Concat(Preface, SettingsFrame());

        // Head and tail both claim the same bytes: taking the tail would parse the settings twice.
        parser.OnData(Direction.Ingress, 1, request, request.Length, request.AsSpan(request.Length - 9));

        Assert.Equal((false, 0, 0), (parser.GaveUp, parser.Resyncs, parser.BufferedBytes));
    }

    [BpfTheory]
    [InlineData("tracepoints")]
    [InlineData("tp_btf")]
    public void CutWritesCarryTheirTailAndPeekedReadsAreNotCaptured(string attachGroup)
    {
        using var capture = ManualCapture.Start(attachGroup);
        using var listener = ManualCapture.Listen(IPAddress.Loopback, out var port);
        var message = Encoding.ASCII.GetBytes(new string('H', 1024) + new string('b', 3000) + new string('t', 250) + "THE-END");

        // One plain send, one sendmsg of three iovecs (the end is in the last), then a 16-byte peek before reading 5,000 bytes.
        using var child = GatedProcess.Start(capture, GatedProcess.Python, "-c",
            "import socket,sys\n"
            + "s=socket.create_connection(('127.0.0.1', int(sys.argv[1])))\n"
            + "m=b'H'*1024+b'b'*3000+b't'*250+b'THE-END'\n"
            + "s.sendall(m)\n"
            + "s.sendmsg([m[:1024], m[1024:4024], m[4024:]])\n"
            + "s.recv(16, socket.MSG_PEEK)\n"
            + "got=b''\n"
            + "while len(got) < 5000: got += s.recv(65536)\n"
            + "s.close()",
            port.ToString(CultureInfo.InvariantCulture));
        using (var accepted = listener.AcceptTcpClient())
        {
            var stream = accepted.GetStream();
            stream.ReadExactly(new byte[2 * message.Length]);
            stream.Write(new byte[5000]);
            Assert.True(child.WaitForExit(10_000), "the python client did not finish");
        }

        var events = ManualCapture.Drain(capture).Where(e => e.Pid == child.Id && e.Kind == SocketEventKind.Data).ToList();

        var writes = events.Where(e => e.Direction == SocketDirection.Egress).ToArray();
        Assert.Equal([message.Length, message.Length], writes.Select(e => e.OriginalLength));
        Assert.All(writes, write =>
        {
            Assert.Equal(message.AsSpan(0, 1024).ToArray(), write.Payload.ToArray());
            Assert.Equal(message.AsSpan(message.Length - Tail).ToArray(), write.Tail.ToArray());
        });

        // The peek's 16 bytes are read again by the recv that follows: counted once.
        var reads = events.Where(e => e.Direction == SocketDirection.Ingress).ToArray();
        Assert.Equal(5000, reads.Sum(e => e.OriginalLength));
        Assert.All(reads, read => Assert.Equal(Math.Min(read.OriginalLength, 1024), read.PayloadLength));
    }
}
