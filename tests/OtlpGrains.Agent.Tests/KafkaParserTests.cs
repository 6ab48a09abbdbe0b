using OtlpGrains.Agent.Protocols;
using Xunit;
using static OtlpGrains.Agent.Tests.KafkaWire;

namespace OtlpGrains.Agent.Tests;

public sealed class KafkaParserTests
{
    private static readonly Func<Action<ProtocolExchange>, IProtocolParser> Client =
        sink => ProtocolParsers.Create(ProtocolKind.Kafka, Direction.Egress, sink);

    internal static Session Classic() => new Session()
        .Egress(Request(18, 2, 1, "app", []))
        .Ingress(Response(18, 2, 1, new byte[30]))
        .Egress(Request(0, 7, 2, "app", ProduceBody(7, "orders", acks: -1)))
        .Ingress(Response(0, 7, 2, ProduceResponseBody(7, "orders", 0)))
        .Egress(Request(1, 11, 3, "app", FetchBody(11, "payments")))
        .Ingress(Response(1, 11, 3, FetchResponseBody(11, 0)))
        .Egress(Request(0, 3, 4, "app", ProduceBody(3, "audit", acks: 0)));

    internal static Session Flexible() => new Session()
        .Egress(Concat(Request(0, 9, 10, "rdkafka", ProduceBody(9, "clicks", acks: 1)), Request(1, 12, 11, "rdkafka", FetchBody(12, "views"))))
        .Ingress(Response(0, 9, 10, ProduceResponseBody(9, "clicks", 6)))
        .Ingress(Response(1, 12, 11, FetchResponseBody(12, 0)));

    internal static IReadOnlyList<Session> All => [Classic(), Flexible()];

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    [Fact]
    public void ProduceAndFetchPairByCorrelationId()
    {
        var exchanges = Classic().Run(Client);

        Assert.Equal(["produce orders 0 False", "fetch payments 1 False", "produce audit 0 False"],
            exchanges.Select(e => $"{e.Operation} {e.Topic} {e.KafkaApiKey} {e.IsError}"));
        Assert.All(exchanges, e => Assert.Equal(("app", "kafka"), (e.ClientId, e.MessagingSystem)));
        Assert.Equal((Session.At(2), Session.At(3)), (exchanges[0].RequestStartNs, exchanges[0].ResponseEndNs));

        // acks=0: no response is coming, so the exchange has none.
        Assert.Equal((0L, 0L), (exchanges[2].ResponseStartNs, exchanges[2].ResponseEndNs));
    }

    [Fact]
    public void FlexibleVersionsWithTaggedFieldsAndErrors()
    {
        var exchanges = Flexible().Run(Client);

        Assert.Equal(["produce clicks True 6", "fetch views False "], exchanges.Select(e => $"{e.Operation} {e.Topic} {e.IsError} {e.ErrorCode}"));
        Assert.Equal("rdkafka", exchanges[0].ClientId);
    }

    [Fact]
    public void LostResponsesAreCountedWhenALaterOneArrives()
    {
        var exchanges = new List<ProtocolExchange>();
        var parser = Client(exchanges.Add);
        var first = Request(1, 4, 100, "c", FetchBody(4, "a"));
        var second = Request(1, 4, 101, "c", FetchBody(4, "b"));
        var response = Response(1, 4, 101, FetchResponseBody(4, 0));
        parser.OnData(Direction.Egress, 1, first, first.Length);
        parser.OnData(Direction.Egress, 2, second, second.Length);
        parser.OnData(Direction.Ingress, 3, response, response.Length);

        Assert.Equal("b", Assert.Single(exchanges).Topic);
        Assert.Equal(1, parser.Unpaired);
    }

    [Fact]
    public void LargeRecordBatchesBeyondTheCaptureKeepTheFraming()
    {
        var session = new Session()
            .Egress(Request(0, 8, 5, "big", ProduceBody(8, "logs", acks: 1, recordBytes: 50_000)))
            .Ingress(Response(0, 8, 5, ProduceResponseBody(8, "logs", 0)))
            .Egress(Request(1, 11, 6, "big", FetchBody(11, "logs")))
            .Ingress(Response(1, 11, 6, FetchResponseBody(11, 0, recordBytes: 80_000)))
            .Egress(Request(1, 11, 7, "big", FetchBody(11, "logs")))
            .Ingress(Response(1, 11, 7, FetchResponseBody(11, 3)));

        var exchanges = session.Run(Client, captureLimit: 1024);

        Assert.Equal(["produce logs False", "fetch logs False", "fetch logs True"], exchanges.Select(e => $"{e.Operation} {e.Topic} {e.IsError}"));
    }

    [Fact]
    public void FuzzSplits() => SessionFuzzer.SplitsGiveSameExchanges(Client, All, 2000, seed: 51);

    [Fact]
    public void FuzzTruncations() => SessionFuzzer.TruncationsAreSurvived(Client, All, 2000, seed: 52);

    [Fact]
    public void FuzzBitFlips() => SessionFuzzer.BitFlipsAreSurvived(Client, All, 2000, seed: 53);

    [Fact]
    public void FuzzNoise() => SessionFuzzer.NoiseIsSurvived(Client, 2000, seed: 54,
        [Request(0, 9, 1, "x", ProduceBody(9, "t", 1)), Request(1, 4, 1, null, FetchBody(4, "t")), Response(0, 9, 1, []), [0x7f, 0xff, 0xff, 0xff], [0xff, 0xff]]);
}
