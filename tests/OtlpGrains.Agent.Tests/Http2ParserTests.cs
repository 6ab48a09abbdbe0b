using OtlpGrains.Agent.Protocols;
using Xunit;
using static OtlpGrains.Agent.Tests.Http2Wire;

namespace OtlpGrains.Agent.Tests;

public sealed class Http2ParserTests
{
    private const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static readonly Func<Action<ProtocolExchange>, IProtocolParser> Client =
        sink => ProtocolParsers.Create(ProtocolKind.Http2, Direction.Egress, sink);

    private static readonly Func<Action<ProtocolExchange>, IProtocolParser> Server =
        sink => ProtocolParsers.Create(ProtocolKind.Http2, Direction.Ingress, sink);

    /// <summary>Two unary gRPC calls; the second one is indexed from both dynamic tables and fails trailers-only.</summary>
    internal static Session Grpc() => new Session()
        .Egress(Concat(Preface, SettingsFrame((0x1, 4096), (0x4, 65535))))
        .Ingress(Concat(SettingsFrame((0x3, 100)), SettingsAck()))
        .Egress(Concat(
            Frame(Headers, EndHeaders, 1, new Block()
                .Indexed(3).Indexed(6)
                .Indexing(4, "/greet.Greeter/SayHello", huffman: true)
                .Indexing(1, "localhost:5000", huffman: true)
                .Indexing(31, "application/grpc")
                .Indexing("te", "trailers")
                .Indexing("traceparent", TraceParent, huffman: true)
                .ToArray()),
            Frame(Data, EndStream, 1, GrpcMessage(12))))
        .Ingress(Concat(
            Frame(Headers, EndHeaders, 1, new Block().Indexed(8).Indexing(31, "application/grpc").ToArray()),
            Frame(Data, 0, 1, GrpcMessage(20))))
        .Ingress(Frame(Headers, EndHeaders | EndStream, 1, new Block().Indexing("grpc-status", "0").NotIndexed("grpc-message", "").ToArray()))
        .Egress(Concat(
            Frame(Headers, EndHeaders, 3, new Block().Indexed(3).Indexed(6).Indexed(66).Indexed(65).Indexed(64).Indexed(63).ToArray()),
            Frame(Data, EndStream, 3, GrpcMessage(3))))
        .Ingress(Frame(Headers, EndHeaders | EndStream, 3, new Block().Indexed(8).Indexed(63).Indexing(62, "5").ToArray()));

    /// <summary>Plain HTTP/2: CONTINUATION, padding and priority, interleaved streams answered out of order, a reset.</summary>
    internal static Session Interleaved()
    {
        var first = new Block().Indexed(2).Indexed(6).Indexing(4, "/a").Indexing(1, "example.org").NeverIndexed(23, "secret").ToArray();
        byte[] padded = [3, 0, 0, 0, 0, 16, .. new Block().Indexed(2).Indexed(6).Indexed(63).Indexed(62).ToArray(), 0, 0, 0];
        return new Session()
            .Egress(Preface)
            .Egress(Concat(Frame(Headers, EndStream, 1, first[..5]), Frame(Continuation, EndHeaders, 1, first[5..])))
            .Egress(Frame(Headers, EndHeaders | EndStream | Padded | Priority, 3, padded))
            .Ingress(Concat(SettingsFrame(), Frame(Headers, EndHeaders, 3, new Block().SizeUpdate(0).SizeUpdate(4096).Indexed(13).ToArray())))
            .Ingress(Concat(Frame(Data, EndStream, 3, new byte[40]), Frame(Headers, EndHeaders | EndStream, 1, new Block().Indexed(8).ToArray())))
            .Egress(Frame(Headers, EndHeaders, 5, new Block().Indexed(3).Indexed(6).Indexing(4, "/upload?x=1").ToArray()))
            .Egress(Frame(Data, 0, 5, new byte[100]))
            .Ingress(Frame(RstStream, 0, 5, [0, 0, 0, 8]));
    }

    internal static IReadOnlyList<Session> All => [Grpc(), Interleaved()];

    [Fact]
    public void GrpcCallsGetPathTrailersAndStatus()
    {
        var exchanges = Grpc().Run(Client);

        Assert.Equal(2, exchanges.Count);
        var ok = exchanges[0];
        Assert.Equal(("POST", "/greet.Greeter/SayHello", 200, 0), (ok.Method, ok.Path, ok.StatusCode, ok.GrpcStatusCode));
        Assert.Equal(("grpc", "greet.Greeter", "SayHello"), (ok.RpcSystem, ok.RpcService, ok.RpcMethod));
        Assert.Equal(TraceParent, ok.TraceParent);
        Assert.False(ok.IsError);
        Assert.Equal((Session.At(2), Session.At(2), Session.At(3), Session.At(4)), (ok.RequestStartNs, ok.RequestEndNs, ok.ResponseStartNs, ok.ResponseEndNs));
        var failed = exchanges[1];
        Assert.Equal(("/greet.Greeter/SayHello", 5, true, null), (failed.Path, failed.GrpcStatusCode, failed.IsError, failed.TraceParent));
    }

    [Fact]
    public void NotFoundIsNotAServerError()
    {
        var exchanges = Grpc().Run(sink => ProtocolParsers.Create(ProtocolKind.Http2, Direction.Egress, sink));
        var swapped = new Session();
        foreach (var segment in Grpc().Segments)
        {
            swapped.Add(segment.Direction == Direction.Egress ? Direction.Ingress : Direction.Egress, segment.Data);
        }

        var serverSide = swapped.Run(Server);

        Assert.Equal([false, true], exchanges.Select(e => e.IsError));
        Assert.Equal([false, false], serverSide.Select(e => e.IsError));
        Assert.All(serverSide, e => Assert.Equal(ConnectionRole.Server, e.Role));
    }

    [Fact]
    public void InterleavedStreamsContinuationPaddingAndReset()
    {
        var exchanges = Interleaved().Run(Client);

        Assert.Equal(["GET /a 200 False", "GET /a 404 True", "POST /upload 0 True"],
            exchanges.OrderBy(e => e.Path).ThenBy(e => e.StatusCode).Select(e => $"{e.Method} {e.Path} {e.StatusCode} {e.IsError}"));
        Assert.Equal(404, exchanges[0].StatusCode);
        Assert.Equal(Session.At(3), exchanges[0].ResponseStartNs);
    }

    [Fact]
    public void BigDataFramesBeyondTheCaptureAreSkipped()
    {
        var session = new Session()
            .Egress(Concat(Preface, SettingsFrame()))
            .Egress(Frame(Headers, EndHeaders, 1, new Block().Indexed(3).Indexed(6).Indexing(4, "/bulk").ToArray()))
            .Egress(Frame(Data, EndStream, 1, new byte[60_000]))
            .Ingress(Concat(Frame(Headers, EndHeaders, 1, new Block().Indexed(8).ToArray()), Frame(Data, 0, 1, new byte[16_000])))
            .Ingress(Frame(Data, EndStream, 1, new byte[9_000]));

        var exchanges = session.Run(Client, captureLimit: 1024);

        var exchange = Assert.Single(exchanges);
        Assert.Equal(("/bulk", 200, Session.At(4)), (exchange.Path, exchange.StatusCode, exchange.ResponseEndNs));
    }

    [Fact]
    public void HeaderBlockCutByTheCaptureGivesUp()
    {
        var exchanges = new List<ProtocolExchange>();
        var parser = Client(exchanges.Add);
        var headers = Frame(Headers, EndHeaders | EndStream, 1, new Block().Indexed(2).Indexed(6).Indexing(4, "/" + new string('p', 2000)).ToArray());
        parser.OnData(Direction.Egress, 1, Preface, Preface.Length);
        parser.OnData(Direction.Egress, 2, headers.AsSpan(0, 1024), headers.Length);
        parser.OnData(Direction.Ingress, 3, Frame(Headers, EndHeaders | EndStream, 1, new Block().Indexed(8).ToArray()), 10);

        Assert.True(parser.GaveUp);
        Assert.Empty(exchanges);
    }

    [Fact]
    public void ConnectionSeenWithoutItsStartGivesUp()
    {
        var exchanges = new List<ProtocolExchange>();
        var parser = Client(exchanges.Add);
        parser.OnData(Direction.Egress, 1, Frame(Headers, EndHeaders | EndStream, 1, new Block().Indexed(62).ToArray()), 10);

        Assert.True(parser.GaveUp);
        Assert.Empty(exchanges);
    }

    [Fact]
    public void FuzzSplits() => SessionFuzzer.SplitsGiveSameExchanges(Client, All, 2000, seed: 61);

    [Fact]
    public void FuzzTruncations() => SessionFuzzer.TruncationsAreSurvived(Client, All, 2000, seed: 62);

    [Fact]
    public void FuzzBitFlips() => SessionFuzzer.BitFlipsAreSurvived(Client, All, 2000, seed: 63);

    [Fact]
    public void FuzzNoise() => SessionFuzzer.NoiseIsSurvived(Client, 2000, seed: 64,
        [Preface, Frame(Headers, EndHeaders, 1, [0x82]), Frame(Continuation, EndHeaders, 1, [0x40]), Frame(Data, EndStream, 1, []), [0xff, 0xff, 0xff]]);
}
