using OtlpGrains.Interfaces;
using OtlpGrains.Models.Traces;
using Xunit;

namespace OtlpGrains.Models.Tests;

public sealed class PendingTracesTests
{
    private static TraceSpan[] Spans(ulong first, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new TraceSpan(first + (ulong)i, 0, "svc", "op", SpanKindCode.Server, 1_000, 2_000, 0, false, null))];

    [Fact]
    public void TracesCompleteOnlyAfterTheirLastTouchAndOldestFirst()
    {
        var pending = new PendingTraces(maxSpansPerTrace: 100, maxTraces: 10);
        pending.Add("a", Spans(1, 2), nowTicks: 10);
        pending.Add("b", Spans(10, 1), nowTicks: 20);
        pending.Add("a", Spans(3, 1), nowTicks: 30); // touching a again makes b the oldest

        Assert.Empty(pending.TakeIdle(idleSinceTicks: 19));
        var idle = pending.TakeIdle(idleSinceTicks: 25);
        Assert.Equal(["b"], idle.Select(t => t.TraceId));

        var rest = Assert.Single(pending.TakeIdle(idleSinceTicks: 30));
        Assert.Equal("a", rest.TraceId);
        Assert.Equal(3, rest.Assembler.Count);
        Assert.Equal(0, pending.Count);
    }

    [Fact]
    public void AFullShardCompletesItsLeastRecentlyTouchedTraceEarlyAndCountsIt()
    {
        var pending = new PendingTraces(maxSpansPerTrace: 100, maxTraces: 2);
        Assert.Null(pending.Add("a", Spans(1, 1), 1));
        Assert.Null(pending.Add("b", Spans(2, 1), 2));
        Assert.Null(pending.Add("a", Spans(3, 1), 3)); // an existing trace takes no room

        var early = pending.Add("c", Spans(4, 1), 4);

        Assert.Equal("b", early?.TraceId);
        Assert.Equal(1, pending.CompletedEarly);
        Assert.Equal(2, pending.Count);
        Assert.Equal(["a", "c"], pending.TakeAll().Select(t => t.TraceId));
    }

    [Fact]
    public void AnErrorLogMarkMayComeBeforeTheSpans()
    {
        var pending = new PendingTraces(maxSpansPerTrace: 100, maxTraces: 10);
        pending.MarkErrorLog("a", 1);
        pending.Add("a", Spans(1, 1), 2);

        var trace = Assert.Single(pending.TakeAll());
        Assert.True(trace.ErrorLog);
        Assert.Equal(1, trace.Assembler.Count);
    }
}
