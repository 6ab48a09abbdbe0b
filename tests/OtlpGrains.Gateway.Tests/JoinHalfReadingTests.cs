using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Interfaces;
using Xunit;
using static OtlpGrains.Gateway.Tests.TraceRequests;
using SpanKind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind;

namespace OtlpGrains.Gateway.Tests;

/// <summary>Which spans the gateway sends to the join, and the connection key it reads from the agent contract.</summary>
public sealed class JoinHalfReadingTests
{
    private static readonly Guid BatchId = new("5c1f2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b");

    private static Span On(Span span, string local, long localPort, string peer, long peerPort)
    {
        span.Attributes.Add(Attr("network.local.address", local));
        span.Attributes.Add(Attr("network.local.port", localPort));
        span.Attributes.Add(Attr("network.peer.address", peer));
        span.Attributes.Add(Attr("network.peer.port", peerPort));
        return span;
    }

    [Fact]
    public void AClientSpanIsKeyedByItsOwnTupleAndAServerRootByItsReversedOne()
    {
        var client = On(Span(1, 1, kind: SpanKind.Client), "10.0.1.7", 40312, "10.0.2.9", 8080);
        var server = On(Span(2, 2, kind: SpanKind.Server), "10.0.2.9", 8080, "10.0.1.7", 40312);

        var plan = Plans.Traces(Request(Resource(Service("frontend"), [client]), Resource(Service("orders"), [server])), BatchId);

        var key = new ConnectionKey("10.0.1.7", 40312, "10.0.2.9", 8080);
        var shard = Assert.Single(plan.Halves);
        Assert.Equal(JoinShards.Of(key), shard.Shard);
        Assert.Equal(["frontend", "orders"], shard.Services);
        Assert.Equal(
            [(key, false, 1UL, -1L), (key, true, 2UL, -1L)],
            shard.Halves.Select(h => (h.Key, h.IsServer, h.SpanId, h.StreamId)));
        Assert.Equal((long)client.StartTimeUnixNano, shard.Halves[0].StartUnixNano);
        Assert.Equal(Interfaces.TraceKey.Parse(TraceKey(2)), shard.Halves[1].Trace);
        Assert.Equal(2, plan.Accepted);
    }

    [Fact]
    public void AClientBehindNatIsKeyedByTheTupleTheServerSees()
    {
        var client = On(Span(1, 1, kind: SpanKind.Client), "10.244.1.7", 40312, "10.96.0.20", 80);
        client.Attributes.Add(Attr("otlpgrains.nat.local.address", "10.244.1.7"));
        client.Attributes.Add(Attr("otlpgrains.nat.local.port", 40312L));
        client.Attributes.Add(Attr("otlpgrains.nat.peer.address", "10.244.2.9"));
        client.Attributes.Add(Attr("otlpgrains.nat.peer.port", 8080L));
        client.Attributes.Add(Attr("otlpgrains.http2.stream_id", 7L));

        var half = Assert.Single(Assert.Single(Plans.Traces(Request("frontend", client), BatchId).Halves).Halves);

        Assert.Equal(new ConnectionKey("10.244.1.7", 40312, "10.244.2.9", 8080), half.Key);
        Assert.Equal(7, half.StreamId);
    }

    [Fact]
    public void AServerSpanWithAParentIsAHalfMarkedAsLinked()
    {
        var plan = Plans.Traces(Request("orders", On(Span(1, 1, parent: 9, kind: SpanKind.Server), "10.0.2.9", 8080, "10.0.1.7", 40312)), BatchId);

        var half = Assert.Single(Assert.Single(plan.Halves).Halves);
        Assert.True(half.IsServer);
        Assert.True(half.HasParent);
    }

    [Fact]
    public void OnlyClientAndServerSpansThatNameAWholeConnectionTakePart()
    {
        var plan = Plans.Traces(Request(
            "orders",
            On(Span(2, 2, kind: SpanKind.Internal), "10.0.2.9", 8080, "10.0.1.7", 40312),
            On(Span(3, 3, kind: SpanKind.Producer), "10.0.2.9", 50000, "10.0.5.5", 9092),
            On(Span(4, 4, kind: SpanKind.Client), "10.0.2.9", 0, "10.0.3.3", 5432), // no local port
            On(Span(5, 5, kind: SpanKind.Client), "10.0.2.9", 40000, string.Empty, 5432),
            Span(6, 6, kind: SpanKind.Client)), BatchId);

        Assert.Empty(plan.Halves);
        Assert.Equal(5, plan.Accepted);
    }

    [Fact]
    public void TheHalvesOfServicesBeyondTheLimitAreLeftOut()
    {
        var plan = Plans.Traces(Request(
            Resource(Service("frontend"), [On(Span(1, 1, kind: SpanKind.Client), "10.0.1.7", 40312, "10.0.2.9", 8080)]),
            Resource(Service("orders"), [On(Span(2, 2, kind: SpanKind.Server), "10.0.2.9", 8080, "10.0.1.7", 40312)])), BatchId);

        var (admitted, refused) = ServiceAdmission.Without(plan, new HashSet<string>(["orders"], StringComparer.Ordinal));

        Assert.Equal(1, refused);
        Assert.Equal(["frontend"], admitted.Halves.SelectMany(h => h.Services));
        Assert.Equal(["frontend", "orders"], plan.Halves.SelectMany(h => h.Services).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheGatewayCallsEachJoinShardOncePerRequestBesidesTheOrdinaryIngest()
    {
        var gateway = new GatewayUnderTest();
        var spans = Enumerable.Range(1, 40)
            .Select(i => On(Span((byte)i, (byte)i, kind: SpanKind.Client), "10.0.1.7", 40000 + i, "10.0.2.9", 8080))
            .ToArray();

        var outcome = await gateway.Pipeline.IngestTracesAsync(Request("frontend", spans), CancellationToken.None);

        Assert.Equal(IngestStatus.Accepted, outcome.Status);
        var shards = spans.Select(s => JoinShards.Of(new ConnectionKey("10.0.1.7", (int)s.Attributes[1].Value.IntValue, "10.0.2.9", 8080))).Distinct().Count();
        Assert.Equal(shards, gateway.Grains.JoinShardCalls.Count);
        Assert.All(gateway.Grains.JoinShardCalls.Values, calls => Assert.Single(calls));
        Assert.Equal(40, gateway.Grains.JoinShardCalls.Values.Sum(calls => calls[0].Length));
        Assert.Equal(40, gateway.Grains.Traces.Count);
        Assert.Equal(40, Assert.Single(gateway.Grains.Services["frontend"].SpanBatches).Spans.Length);
    }
}
