using OtlpGrains.Interfaces;
using OtlpGrains.Models.Traces;
using OtlpGrains.TestSupport;
using Xunit;
using static OtlpGrains.TestSupport.TraceTestSpans;

namespace OtlpGrains.Models.Tests;

public sealed class TraceEdgePairingTests
{
    // frontend -> api (paired), api -> postgres (virtual: no server span), api -> worker (paired over a queue;
    // the producer's peer must not matter once it is paired).
    private static readonly TraceSpan[] SmallTrace =
    [
        Span(1, 0, "frontend", 0, 100, SpanKindCode.Server),
        Span(2, 1, "frontend", 10, 60, SpanKindCode.Client),
        Span(3, 2, "api", 15, 55, SpanKindCode.Server),
        Span(4, 3, "api", 20, 30, SpanKindCode.Client, peer: "postgres"),
        Span(5, 3, "api", 31, 33, SpanKindCode.Producer, peer: "orders-queue"),
        Span(6, 5, "worker", 40, 90, SpanKindCode.Consumer, error: true),
    ];

    private static readonly (string Client, EdgeCall Call)[] SmallTraceEdges =
    [
        ("api", new EdgeCall("postgres", true, 30 * Ms, 10 * Ms, false)),
        ("api", new EdgeCall("worker", false, 33 * Ms, 2 * Ms, true)),
        ("frontend", new EdgeCall("api", false, 60 * Ms, 50 * Ms, false)),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryArrivalOrderAndSplitGivesTheSameEdgesOnce(bool drainAfterEachAdd)
    {
        var runs = 0;
        foreach (var order in Permutations(SmallTrace.Length))
        {
            // Each bit of the mask cuts the permuted spans between two positions: 1..n Add calls.
            for (var mask = 0; mask < 1 << (SmallTrace.Length - 1); mask++)
            {
                var trace = new TraceAssembler(100);
                var edges = new List<(string Client, EdgeCall Call)>();
                var batch = new List<TraceSpan>();
                for (var k = 0; k < order.Length; k++)
                {
                    batch.Add(SmallTrace[order[k]]);
                    if (k == order.Length - 1 || (mask & (1 << k)) != 0)
                    {
                        Assert.Equal(batch.Count, trace.Add([.. batch]));
                        batch.Clear();
                        if (drainAfterEachAdd)
                        {
                            var early = trace.DrainEdgeCalls(final: false);
                            Assert.DoesNotContain(early, e => e.Call.Virtual);
                            edges.AddRange(early);
                        }
                    }
                }

                edges.AddRange(trace.DrainEdgeCalls(final: true));
                edges.AddRange(trace.DrainEdgeCalls(final: true));
                var sorted = edges.OrderBy(e => e.Client, StringComparer.Ordinal)
                    .ThenBy(e => e.Call.Server, StringComparer.Ordinal).ToArray();
                Assert.True(
                    sorted.SequenceEqual(SmallTraceEdges),
                    $"order {string.Join(",", order)}, splits {mask}: {string.Join("; ", sorted)}");
                runs++;
            }
        }

        Assert.Equal(720 * 32, runs);
    }

    [Fact]
    public void PairIsReturnedAsSoonAsBothSpansArrived()
    {
        var trace = new TraceAssembler(100);
        trace.Add([Span(3, 2, "api", 15, 55, SpanKindCode.Server)]);
        Assert.Empty(trace.DrainEdgeCalls(final: false));

        trace.Add([Span(2, 1, "frontend", 10, 60, SpanKindCode.Client, error: true)]);
        var edge = Assert.Single(trace.DrainEdgeCalls(final: false));
        Assert.Equal(("frontend", new EdgeCall("api", false, 60 * Ms, 50 * Ms, true)), edge);
        Assert.Empty(trace.DrainEdgeCalls(final: true));
    }

    [Fact]
    public void VirtualEdgeOnlyOnFinal()
    {
        var trace = new TraceAssembler(100);
        trace.Add([Span(4, 3, "api", 20, 30, SpanKindCode.Client, error: true, peer: "postgres")]);

        Assert.Empty(trace.DrainEdgeCalls(final: false));
        var edge = Assert.Single(trace.DrainEdgeCalls(final: true));
        Assert.Equal(("api", new EdgeCall("postgres", true, 30 * Ms, 10 * Ms, true)), edge);
        Assert.Empty(trace.DrainEdgeCalls(final: true));
    }

    [Fact]
    public void ServerArrivingAfterVirtualEdgeGivesNoSecondCall()
    {
        var trace = new TraceAssembler(100);
        trace.Add([Span(4, 3, "api", 20, 30, SpanKindCode.Client, peer: "postgres")]);
        Assert.Single(trace.DrainEdgeCalls(final: true));

        Assert.Equal(1, trace.Add([Span(9, 4, "db", 21, 29, SpanKindCode.Server)]));
        Assert.Empty(trace.DrainEdgeCalls(final: false));
        Assert.Empty(trace.DrainEdgeCalls(final: true));
    }

    [Fact]
    public void ClientWithoutPeerGivesNothingButStaysEligible()
    {
        var trace = new TraceAssembler(100);
        trace.Add([Span(2, 1, "frontend", 10, 60, SpanKindCode.Client)]);
        Assert.Empty(trace.DrainEdgeCalls(final: true));

        trace.Add([Span(3, 2, "api", 15, 55, SpanKindCode.Server)]);
        var edge = Assert.Single(trace.DrainEdgeCalls(final: false));
        Assert.Equal(("frontend", new EdgeCall("api", false, 60 * Ms, 50 * Ms, false)), edge);
    }

    [Fact]
    public void OnlyClientAndProducerSpansPairWithServerAndConsumerChildren()
    {
        var trace = new TraceAssembler(100);
        trace.Add(
        [
            Span(1, 0, "frontend", 0, 100, SpanKindCode.Internal, peer: "ignored"),
            Span(2, 1, "api", 10, 20, SpanKindCode.Server),
            Span(3, 0, "batch", 0, 50, SpanKindCode.Client),
            Span(4, 3, "api", 5, 45, SpanKindCode.Internal),
        ]);

        Assert.Empty(trace.DrainEdgeCalls(final: true));
    }

    [Fact]
    public void DuplicateSpansAreIgnored()
    {
        var trace = new TraceAssembler(100);
        Assert.Equal(SmallTrace.Length, trace.Add(SmallTrace));
        Assert.Equal(2, trace.DrainEdgeCalls(final: false).Count);

        // A retried request, and a span repeated inside one batch.
        Assert.Equal(0, trace.Add(SmallTrace));
        Assert.Equal(1, trace.Add([Span(7, 1, "frontend", 1, 2), Span(7, 1, "frontend", 1, 2)]));
        Assert.Equal(SmallTrace.Length + 1, trace.Count);

        var rest = trace.DrainEdgeCalls(final: true);
        var edge = Assert.Single(rest);
        Assert.Equal(SmallTraceEdges[0], edge);
    }

    [Fact]
    public void DuplicateIdKeepsTheFirstSpan()
    {
        var trace = new TraceAssembler(100);
        trace.Add([Span(2, 1, "frontend", 10, 60, SpanKindCode.Client)]);
        trace.Add([Span(2, 1, "other", 0, 1, SpanKindCode.Client, error: true)]);
        trace.Add([Span(3, 2, "api", 15, 55, SpanKindCode.Server)]);

        var edge = Assert.Single(trace.DrainEdgeCalls(final: true));
        Assert.Equal(("frontend", new EdgeCall("api", false, 60 * Ms, 50 * Ms, false)), edge);
        Assert.False(trace.HasError);
    }

    // Istio with instrumented applications, services already named canonically: the ingress gateway's one CLIENT
    // span; productpage's sidecar SERVER span over the application's SERVER span; the application's HTTP client span
    // (naming its peer by server.address) over its sidecar's outbound CLIENT span; reviews' sidecar SERVER span (a
    // 503) over the application's.
    private static readonly TraceSpan[] MeshTrace =
    [
        Span(1, 0, "istio-ingressgateway", 0, 100, SpanKindCode.Client),
        Span(2, 1, "productpage", 2, 98, SpanKindCode.Server),
        Span(3, 2, "productpage", 4, 96, SpanKindCode.Server),
        Span(4, 3, "productpage", 10, 80, SpanKindCode.Client, peer: "reviews"),
        Span(5, 4, "productpage", 12, 78, SpanKindCode.Client),
        Span(6, 5, "reviews", 14, 76, SpanKindCode.Server, error: true),
        Span(7, 6, "reviews", 16, 74, SpanKindCode.Server),
    ];

    [Fact]
    public void MeshSidecarsGiveOneCallPerHopInEveryArrivalOrder()
    {
        (string Client, EdgeCall Call)[] expected =
        [
            ("istio-ingressgateway", new EdgeCall("productpage", false, 100 * Ms, 100 * Ms, false)),
            ("productpage", new EdgeCall("reviews", false, 78 * Ms, 66 * Ms, true)),
        ];
        foreach (var order in Permutations(MeshTrace.Length))
        {
            var trace = new TraceAssembler(100);
            var edges = new List<(string Client, EdgeCall Call)>();
            foreach (int index in order)
            {
                trace.Add([MeshTrace[index]]);
                edges.AddRange(trace.DrainEdgeCalls(final: false));
            }

            edges.AddRange(trace.DrainEdgeCalls(final: true));
            var sorted = edges.OrderBy(e => e.Client, StringComparer.Ordinal).ToArray();
            Assert.True(sorted.SequenceEqual(expected), $"order {string.Join(",", order)}: {string.Join("; ", sorted)}");
        }
    }

    [Fact]
    public void ClientOverAClientOfAnotherServiceStillCallsItsPeer()
    {
        // Only a client span of the same service takes the call over; across services each client span is its own call.
        var trace = new TraceAssembler(100);
        trace.Add(
        [
            Span(1, 0, "frontend", 0, 50, SpanKindCode.Client, peer: "gateway"),
            Span(2, 1, "sidecar-of-someone-else", 5, 45, SpanKindCode.Client),
        ]);
        var edge = Assert.Single(trace.DrainEdgeCalls(final: true));
        Assert.Equal(("frontend", new EdgeCall("gateway", true, 50 * Ms, 50 * Ms, false)), edge);
    }

    private static IEnumerable<int[]> Permutations(int n)
    {
        var items = Enumerable.Range(0, n).ToArray();
        return Permute(items, 0);

        static IEnumerable<int[]> Permute(int[] items, int from)
        {
            if (from == items.Length)
            {
                yield return (int[])items.Clone();
                yield break;
            }

            for (var i = from; i < items.Length; i++)
            {
                (items[from], items[i]) = (items[i], items[from]);
                foreach (var permutation in Permute(items, from + 1))
                {
                    yield return permutation;
                }

                (items[from], items[i]) = (items[i], items[from]);
            }
        }
    }
}
