using OtlpGrains.Interfaces;
using OtlpGrains.Models.Traces;
using OtlpGrains.TestSupport;
using Xunit;
using static OtlpGrains.TestSupport.TraceTestSpans;

namespace OtlpGrains.Models.Tests;

public sealed class TraceCriticalPathTests
{
    [Fact]
    public void SequentialChildrenAreAllOnThePathButAParallelOneIsNot()
    {
        // R [0,100] runs A [0,30], B [30,60], C [60,100] one after the other; inside B, B1 [35,45] overlaps
        // B2 [40,58], which finishes last; inside C, C2 [60,65] then C1 [70,90].
        var trace = Assembled(
            Span(1, 0, "front", 0, 100, SpanKindCode.Server),
            Span(2, 1, "api", 0, 30),
            Span(3, 1, "api", 30, 60),
            Span(4, 1, "db", 60, 100),
            Span(5, 4, "db", 70, 90),
            Span(6, 4, "cache", 60, 65),
            Span(7, 3, "api", 35, 45),
            Span(8, 3, "auth", 40, 58));

        Assert.Equal([1UL, 2, 3, 8, 4, 6, 5], trace.CriticalPath());

        var self = trace.SelfTimeMs();
        Assert.Equal(5, self.Count);
        Assert.Equal(0, self["front"]);
        Assert.Equal(30 + 7 + 10, self["api"]); // A, B less the union [35,58] of its children, B1
        Assert.Equal(18, self["auth"]);
        Assert.Equal(15 + 20, self["db"]); // C less C1 and C2, C1
        Assert.Equal(5, self["cache"]);
    }

    [Fact]
    public void ParallelChildrenLeaveOnlyTheLastFinishingOneAndWhatEndsBeforeItStarts()
    {
        // A [10,90] finishes last; B [20,50] and C [5,15] end after A starts; D [0,8] ends before it.
        var trace = Assembled(
            Span(1, 0, "gw", 0, 100, SpanKindCode.Server),
            Span(2, 1, "svc", 10, 90),
            Span(3, 1, "svc", 20, 50),
            Span(4, 1, "svc", 5, 15),
            Span(5, 1, "svc", 0, 8));

        Assert.Equal([1UL, 5, 2], trace.CriticalPath());

        var self = trace.SelfTimeMs();
        Assert.Equal(2, self.Count);
        Assert.Equal(10, self["gw"]); // 100 less the union [0,90]
        Assert.Equal(80 + 30 + 10 + 8, self["svc"]);
    }

    [Fact]
    public void ChildOverrunningItsParentIsClippedToIt()
    {
        // A [50,150] overruns R [0,100]: clipped to [50,100] it is what R waited for last, not B [0,60]. Inside A,
        // A1 [110,140] lies beyond the clipped end; A2 [60,120] clips to [60,100].
        var trace = Assembled(
            Span(1, 0, "gw", 0, 100, SpanKindCode.Server),
            Span(2, 1, "api", 50, 150),
            Span(3, 1, "db", 0, 60),
            Span(4, 2, "api", 110, 140),
            Span(5, 2, "cache", 60, 120));

        Assert.Equal([1UL, 2, 5], trace.CriticalPath());

        var self = trace.SelfTimeMs();
        Assert.Equal(0, self["gw"]);
        Assert.Equal(20 + 30, self["api"]); // A is clipped to itself only: 100 less the union [60,140]
        Assert.Equal(60, self["cache"]);
        Assert.Equal(60, self["db"]);
    }

    [Fact]
    public void ChildStartingBeforeItsParentIsClippedToIt()
    {
        // A [-20,40] starts before R [0,100] (clock skew); clipped to [0,40] it ends before B [40,100] starts.
        var trace = Assembled(
            Span(1, 0, "gw", 0, 100, SpanKindCode.Server),
            Span(2, 1, "api", -20, 40),
            Span(3, 1, "api", 40, 100));

        Assert.Equal([1UL, 2, 3], trace.CriticalPath());
        Assert.Equal(0, trace.SelfTimeMs()["gw"]);
    }

    [Fact]
    public void PathStartsAtTheEarliestRootAndIgnoresOtherTrees()
    {
        var trace = Assembled(
            Span(1, 0, "late", 50, 200),
            Span(2, 0, "early", 0, 100),
            Span(3, 2, "early", 10, 90),
            Span(4, 99, "orphan", 0, 300));

        Assert.Equal(2UL, trace.Root?.SpanId);
        Assert.Equal([2UL, 3], trace.CriticalPath());
    }

    [Fact]
    public void WithoutRootThePathStartsAtTheEarliestOrphan()
    {
        var trace = Assembled(
            Span(1, 98, "a", 5, 50),
            Span(2, 99, "b", 0, 100),
            Span(3, 2, "b", 20, 80));

        Assert.Equal(2UL, trace.Root?.SpanId);
        Assert.Equal([2UL, 3], trace.CriticalPath());
    }

    [Fact]
    public void EmptyTraceHasNoPathAndNoSelfTime()
    {
        var trace = new TraceAssembler(10);

        Assert.Null(trace.Root);
        Assert.Empty(trace.CriticalPath());
        Assert.Empty(trace.SelfTimeMs());
    }

    [Fact]
    public void DeepChainAndWideFanOutAtTheSpanLimitAreWalkedWithoutRecursion()
    {
        const int Spans = 10_000;
        var chain = new TraceSpan[Spans];
        var fan = new TraceSpan[Spans];
        for (var i = 0; i < Spans; i++)
        {
            var id = (ulong)i + 1;
            chain[i] = Span(id, id - 1, "chain", i, 2 * Spans - i);
            fan[i] = i == 0 ? Span(1, 0, "fan", 0, Spans) : Span(id, 1, "fan", i - 1, i);
        }

        var deep = new TraceAssembler(Spans);
        deep.Add(chain);
        var wide = new TraceAssembler(Spans);
        wide.Add(fan);

        Assert.Equal(Spans, deep.CriticalPath().Count);
        Assert.Equal(2.0 * Spans, deep.SelfTimeMs()["chain"]); // each span outlasts its child by 1 ms at each end
        Assert.Equal(Spans, wide.CriticalPath().Count);
        Assert.Equal(Spans, wide.SelfTimeMs()["fan"]); // children's 1 ms each, the root's last 1 ms
        Assert.Equal(Spans, wide.ToView("t", "sampled").Spans.Length);
    }

    private static TraceAssembler Assembled(params TraceSpan[] spans)
    {
        var trace = new TraceAssembler(100);
        Assert.Equal(spans.Length, trace.Add(spans));
        return trace;
    }
}
