using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Traces;
using OtlpGrains.TestSupport;
using Xunit;
using static OtlpGrains.TestSupport.TraceTestSpans;

namespace OtlpGrains.Models.Tests;

public sealed class TraceAssemblerTests
{
    [Fact]
    public void SpansBeyondTheLimitAreCutAndCounted()
    {
        var trace = new TraceAssembler(3);

        Assert.Equal(3, trace.Add([Span(1, 0, "a", 0, 9), Span(2, 1, "a", 1, 2), Span(3, 1, "a", 2, 3),
            Span(4, 1, "a", 3, 4), Span(5, 1, "a", 4, 5)]));
        Assert.Equal(3, trace.Count);
        Assert.Equal(2, trace.CutSpans);

        // A span already held is a duplicate, not a cut; a new one is cut again.
        Assert.Equal(0, trace.Add([Span(2, 1, "a", 1, 2), Span(6, 1, "a", 5, 6)]));
        Assert.Equal(3, trace.Count);
        Assert.Equal(3, trace.CutSpans);
        Assert.Equal(3, trace.ToView("t", "sampled").CutSpans);
    }

    [Fact]
    public void OrphansCountSpansWhoseParentIsMissingUntilItArrives()
    {
        var trace = new TraceAssembler(100);
        trace.Add([Span(10, 99, "a", 5, 20), Span(11, 98, "b", 0, 30), Span(12, 11, "b", 1, 2)]);

        Assert.Equal(2, trace.Orphans);
        Assert.Equal(11UL, trace.Root?.SpanId);

        trace.Add([Span(1, 0, "gw", 10, 50), Span(99, 1, "gw", 11, 40)]);
        Assert.Equal(1, trace.Orphans);
        Assert.Equal(1UL, trace.Root?.SpanId);
    }

    [Fact]
    public void HasErrorWhenAnySpanFailed()
    {
        var trace = new TraceAssembler(100);
        trace.Add([Span(1, 0, "a", 0, 9)]);
        Assert.False(trace.HasError);

        trace.Add([Span(2, 1, "b", 1, 2, error: true)]);
        Assert.True(trace.HasError);
    }

    [Fact]
    public void ViewListsParentsBeforeChildrenWithOrphansAsExtraRoots()
    {
        var trace = new TraceAssembler(100);
        trace.Add(
        [
            Span(0x30, 0x10, "api", 20, 30),
            Span(0x40, 0x77, "lost", 5, 6),
            Span(0x20, 0x10, "api", 10, 40),
            Span(0x21, 0x20, "db", 12, 18),
            Span(0x10, 0, "gw", 8, 50, SpanKindCode.Server),
        ]);

        var view = trace.ToView("0af7651916cd43dd8448eb211c80319c", "error");

        Assert.Equal(
            ["0000000000000040", "0000000000000010", "0000000000000020", "0000000000000021", "0000000000000030"],
            view.Spans.Select(s => s.SpanId));
        Assert.Equal(
            ["0000000000000077", null, "0000000000000010", "0000000000000020", "0000000000000010"],
            view.Spans.Select(s => s.ParentSpanId));
        Assert.Equal(["0000000000000010", "0000000000000020", "0000000000000021"], view.CriticalPath);
        Assert.Equal(1, view.Orphans);
        Assert.Equal(0, view.CutSpans);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", view.TraceId);
        Assert.Equal("error", view.KeptBecause);
        Assert.Equal(12, view.SelfTimeMs["gw"]); // 42 less the union [10,40]
        Assert.Equal(1, view.SelfTimeMs["lost"]);
    }

    [Fact]
    public void ViewMapsKindsStatusesTimesAndIds()
    {
        const long Start = 1_700_000_000_123_456_789;
        var trace = new TraceAssembler(100);
        trace.Add(
        [
            new TraceSpan(0xfedcba9876543210, 0, "gw", "GET /", SpanKindCode.Server, Start, Start + 1_500_000, 1,
                false, null),
            new TraceSpan(2, 0xfedcba9876543210, "gw", "c", SpanKindCode.Client, Start + 1, Start + 2, 2, true, null),
            new TraceSpan(3, 0xfedcba9876543210, "gw", "p", SpanKindCode.Producer, Start + 2, Start + 3, 0, false,
                null),
            new TraceSpan(4, 0xfedcba9876543210, "gw", "q", SpanKindCode.Consumer, Start + 3, Start + 4, 0, false,
                null),
            new TraceSpan(5, 0xfedcba9876543210, "gw", "i", SpanKindCode.Internal, Start + 4, Start + 5, 0, false,
                null),
            new TraceSpan(6, 0xfedcba9876543210, "gw", "u", SpanKindCode.Unspecified, Start + 5, Start + 6, 7,
                false, null),
        ]);

        var spans = trace.ToView("t", "slow").Spans;

        Assert.Equal(["SERVER", "CLIENT", "PRODUCER", "CONSUMER", "INTERNAL", "UNSPECIFIED"], spans.Select(s => s.Kind));
        Assert.Equal(["OK", "ERROR", "UNSET", "UNSET", "UNSET", "UNSET"], spans.Select(s => s.Status));
        var root = spans[0];
        Assert.Equal("fedcba9876543210", root.SpanId);
        Assert.Null(root.ParentSpanId);
        Assert.Equal("fedcba9876543210", spans[1].ParentSpanId);
        Assert.Equal("GET /", root.Name);
        Assert.Equal("gw", root.Service);
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero).AddTicks(1_234_567), root.Start);
        Assert.Equal(TimeSpan.Zero, root.Start.Offset);
        Assert.Equal(root.Start.AddTicks(15_000), root.End);
        Assert.Equal(1.5, root.DurationMs);
    }

    [Fact]
    public void ParentCyclesNeitherHideSpansNorLoop()
    {
        var trace = new TraceAssembler(100);
        trace.Add([Span(1, 2, "a", 0, 10), Span(2, 1, "a", 2, 5), Span(3, 3, "b", 0, 4), Span(4, 2, "c", 3, 4)]);

        var view = trace.ToView("t", "sampled");

        Assert.Null(trace.Root);
        Assert.Equal(0, view.Orphans);
        Assert.Empty(view.CriticalPath);
        Assert.Equal(
            ["0000000000000001", "0000000000000002", "0000000000000004", "0000000000000003"],
            view.Spans.Select(s => s.SpanId));
        Assert.Equal(4, view.SelfTimeMs["b"]);
    }

    [Fact]
    public void CheckpointRoundTripKeepsStateAndDrainedClients()
    {
        var trace = new TraceAssembler(4);
        trace.Add(
        [
            Span(1, 0, "frontend", 0, 100, SpanKindCode.Server),
            Span(2, 1, "frontend", 10, 60, SpanKindCode.Client),
            Span(3, 2, "api", 15, 55, SpanKindCode.Server, error: true),
            Span(4, 3, "api", 20, 30, SpanKindCode.Client),
            Span(5, 3, "api", 31, 33),
        ]);
        Assert.Single(trace.DrainEdgeCalls(final: false));

        var copy = RoundTrip(trace);

        Assert.Equal(4, copy.Count);
        Assert.Equal(1, copy.CutSpans);
        Assert.True(copy.HasError);
        Assert.Equal(1UL, copy.Root?.SpanId);
        Assert.Equal(0, copy.Add([Span(2, 1, "frontend", 10, 60, SpanKindCode.Client)]));

        // The frontend call was drained before the checkpoint, and the span limit came along.
        Assert.Empty(copy.DrainEdgeCalls(final: false));
        Assert.Equal(0, copy.Add([Span(6, 4, "db", 21, 29, SpanKindCode.Server)]));
        Assert.Equal(2, copy.CutSpans);
    }

    [Fact]
    public void CheckpointRoundTripPairsLateServerSpan()
    {
        var trace = new TraceAssembler(100);
        trace.Add([Span(4, 3, "api", 20, 30, SpanKindCode.Client)]);
        Assert.Empty(trace.DrainEdgeCalls(final: true));

        var copy = RoundTrip(trace);

        Assert.Equal(1, copy.Add([Span(6, 4, "db", 21, 29, SpanKindCode.Server)]));
        var edge = Assert.Single(copy.DrainEdgeCalls(final: true));
        Assert.Equal(("api", new EdgeCall("db", false, 30 * Ms, 10 * Ms, false)), edge);
        Assert.Empty(copy.DrainEdgeCalls(final: true));
    }

    private static TraceAssembler RoundTrip(TraceAssembler trace)
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var copy = serializer.Deserialize<TraceAssembler>(serializer.SerializeToArray(trace));
        Assert.NotNull(copy);
        Assert.NotSame(trace, copy);
        return copy;
    }
}
