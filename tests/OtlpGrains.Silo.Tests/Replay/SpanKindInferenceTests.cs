using System.Buffers.Binary;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Evaluate.Replay;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Traces;
using Xunit;

namespace OtlpGrains.Silo.Tests.Replay;

/// <summary>
/// A hand-made trace: a root in the gateway, its HTTP client span, a child in travel, travel's inner span, and a
/// call from that to route. The inference must give the spans our trace assembly turns into gateway -> travel and
/// travel -> route edges.
/// </summary>
public sealed class SpanKindInferenceTests
{
    private const string Trace = "b0103bb0161ad7fa352fe1828eeb643a";
    private const string Gateway = "ts-gateway-service-6f6cfc45b-h5m2n";
    private const string Travel = "ts-travel-service-64469b5b48-25zj6";
    private const string Route = "ts-route-service-6c9f8d6b8d-abcde";

    private static readonly NezhaSpan[] Spans =
    [
        new(Trace, "0000000000000001", null, Gateway, "/*", 0, 100),
        new(Trace, "0000000000000002", "0000000000000001", Gateway, "HTTP POST", 10, 90),
        new(Trace, "0000000000000003", "0000000000000002", Travel, "/api/v1/travelservice/trips/left", 20, 80),
        new(Trace, "0000000000000004", "0000000000000003", Travel, "queryInfo", 30, 70),
        new(Trace, "0000000000000005", "0000000000000004", Route, "/api/v1/routeservice/routes", 40, 60),
    ];

    [Fact]
    public void RootAndCalleesAreServersWithInferredClientsInTheCaller()
    {
        List<ReplaySpan> spans = SpanKindInference.Infer(Spans, new HashSet<(string, string)>());

        Assert.Equal(7, spans.Count);
        ReplaySpan root = spans.Single(s => s.SpanId == "0000000000000001");
        Assert.Equal((Span.Types.SpanKind.Server, "ts-gateway-service", (string?)null), (root.Kind, root.Service, root.ParentId));
        Assert.Equal(Span.Types.SpanKind.Internal, spans.Single(s => s.SpanId == "0000000000000002").Kind);
        Assert.Equal(Span.Types.SpanKind.Internal, spans.Single(s => s.SpanId == "0000000000000004").Kind);

        ReplaySpan server = spans.Single(s => s.SpanId == "0000000000000003");
        ReplaySpan client = spans.Single(s => s.ParentId == "0000000000000002" && s.Inferred);
        Assert.Equal(Span.Types.SpanKind.Server, server.Kind);
        Assert.Equal(client.SpanId, server.ParentId);
        Assert.Equal(
            (Span.Types.SpanKind.Client, "ts-gateway-service", Gateway, "/api/v1/travelservice/trips/left", 20L, 80L),
            (client.Kind, client.Service, client.Pod, client.Operation, client.StartUnixNano, client.EndUnixNano));
        Assert.Equal(16, client.SpanId.Length);
        Assert.DoesNotContain(Spans, s => s.SpanId == client.SpanId);

        ReplaySpan routeClient = spans.Single(s => s.ParentId == "0000000000000004" && s.Inferred);
        Assert.Equal(("ts-travel-service", Span.Types.SpanKind.Client), (routeClient.Service, routeClient.Kind));
    }

    [Fact]
    public void InferredIdsAreRepeatable()
    {
        var first = SpanKindInference.Infer(Spans, new HashSet<(string, string)>()).Select(s => s.SpanId);
        var second = SpanKindInference.Infer(Spans, new HashSet<(string, string)>()).Select(s => s.SpanId);

        Assert.Equal(first, second);
    }

    [Fact]
    public void SpanWithUnknownParentIsAServerWithoutClient()
    {
        NezhaSpan orphan = Spans[2] with { ParentId = "00000000000000ff" };

        ReplaySpan span = Assert.Single(SpanKindInference.Infer([orphan], new HashSet<(string, string)>()));

        Assert.Equal((Span.Types.SpanKind.Server, "00000000000000ff"), (span.Kind, span.ParentId));
    }

    [Fact]
    public void TraceAssemblyPairsTheInferredSpansIntoEdgesWithTheLoggedError()
    {
        var errors = new HashSet<(string, string)> { (Trace, "0000000000000003") };
        var batch = new TraceBatch();
        foreach (ReplaySpan span in SpanKindInference.Infer(Spans, errors))
        {
            batch.Add(span, offsetNanos: 1_000);
        }

        var assembler = new TraceAssembler(maxSpans: 100);
        assembler.Add([.. batch.Build().ResourceSpans.SelectMany(r => r.ScopeSpans[0].Spans.Select(s => ToTraceSpan(r, s)))]);
        var calls = assembler.DrainEdgeCalls(final: true);

        Assert.Equal(2, calls.Count);
        var toTravel = Assert.Single(calls, c => c.Client == "ts-gateway-service");
        Assert.Equal(("ts-travel-service", false, true, 60L), (toTravel.Call.Server, toTravel.Call.Virtual, toTravel.Call.Error, toTravel.Call.DurationNanos));
        var toRoute = Assert.Single(calls, c => c.Client == "ts-travel-service");
        Assert.Equal(("ts-route-service", false), (toRoute.Call.Server, toRoute.Call.Error));
        Assert.Equal(1_000, assembler.Root!.Value.StartUnixNano);
    }

    private static TraceSpan ToTraceSpan(ResourceSpans resource, Span span) => new(
        BinaryPrimitives.ReadUInt64BigEndian(span.SpanId.Span),
        span.ParentSpanId.IsEmpty ? 0 : BinaryPrimitives.ReadUInt64BigEndian(span.ParentSpanId.Span),
        resource.Resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue,
        span.Name,
        (SpanKindCode)span.Kind,
        (long)span.StartTimeUnixNano,
        (long)span.EndTimeUnixNano,
        (byte)(span.Status?.Code ?? Status.Types.StatusCode.Unset),
        span.Status?.Code == Status.Types.StatusCode.Error,
        null);
}
