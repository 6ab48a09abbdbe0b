using OtlpGrains.Interfaces;
using OtlpGrains.Models.Traces;
using Xunit;

namespace OtlpGrains.Models.Tests;

public sealed class PendingTracesTests
{
    private static readonly TraceKey A = new(1, 0xa);
    private static readonly TraceKey B = new(1, 0xb);
    private static readonly TraceKey C = new(1, 0xc);

    private static TraceSpan[] Spans(ulong first, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new TraceSpan(first + (ulong)i, 0, "svc", "op", SpanKindCode.Server, 1_000, 2_000, 0, false, null))];

    [Fact]
    public void TracesCompleteOnlyAfterTheirLastTouchAndOldestFirst()
    {
        var pending = new PendingTraces(maxSpansPerTrace: 100, maxTraces: 10);
        pending.Add(A, Spans(1, 2), nowTicks: 10);
        pending.Add(B, Spans(10, 1), nowTicks: 20);
        pending.Add(A, Spans(3, 1), nowTicks: 30); // touching a again makes b the oldest

        Assert.Empty(pending.TakeIdle(idleSinceTicks: 19));
        var idle = pending.TakeIdle(idleSinceTicks: 25);
        Assert.Equal([B], idle.Select(t => t.Key));

        var rest = Assert.Single(pending.TakeIdle(idleSinceTicks: 30));
        Assert.Equal(A, rest.Key);
        Assert.Equal("0000000000000001000000000000000a", rest.TraceId);
        Assert.Equal(3, rest.Assembler.Count);
        Assert.Equal(0, pending.Count);
    }

    [Fact]
    public void AFullShardCompletesItsLeastRecentlyTouchedTraceEarlyAndCountsIt()
    {
        var pending = new PendingTraces(maxSpansPerTrace: 100, maxTraces: 2);
        Assert.Null(pending.Add(A, Spans(1, 1), 1));
        Assert.Null(pending.Add(B, Spans(2, 1), 2));
        Assert.Null(pending.Add(A, Spans(3, 1), 3)); // an existing trace takes no room

        var early = pending.Add(C, Spans(4, 1), 4);

        Assert.Equal(B, early?.Key);
        Assert.Equal(1, pending.CompletedEarly);
        Assert.Equal(2, pending.Count);
        Assert.Equal([A, C], pending.TakeAll().Select(t => t.Key));
    }

    [Fact]
    public void AnErrorLogMarkMayComeBeforeTheSpans()
    {
        var pending = new PendingTraces(maxSpansPerTrace: 100, maxTraces: 10);
        pending.MarkErrorLog(A, 1);
        pending.Add(A, Spans(1, 1), 2);

        var trace = Assert.Single(pending.TakeAll());
        Assert.True(trace.ErrorLog);
        Assert.Equal(1, trace.Assembler.Count);
    }
}
