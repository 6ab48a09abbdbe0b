using OtlpGrains.Interfaces;
using OtlpGrains.Models.Joins;
using Xunit;

namespace OtlpGrains.Models.Tests.Joins;

public sealed class TraceMovesTests
{
    private static readonly TraceKey ServerTrace = new(2, 2);
    private static readonly TraceKey ClientTrace = new(1, 1);

    [Fact]
    public void RelinkGivesOnlyTheServerRootTheClientSpanAsParent()
    {
        var move = new TraceMove(ServerTrace, 20, ClientTrace, 10);
        TraceSpan[] spans =
        [
            new(20, 0, "orders", "GET /orders", SpanKindCode.Server, 0, 10, 0, false, null),
            new(21, 20, "orders", "SELECT", SpanKindCode.Client, 1, 5, 0, false, "postgresql"),
            new(22, 0, "orders", "GET /other", SpanKindCode.Server, 0, 10, 0, false, null),
        ];

        var moved = TraceMoves.Relink(spans, move);

        Assert.Equal([10UL, 20UL, 0UL], moved.Select(s => s.ParentSpanId));
        Assert.Equal(spans.Select(s => s.SpanId), moved.Select(s => s.SpanId));
    }

    [Fact]
    public void MovesAreRememberedOnceBoundedAndNeverIntoACycle()
    {
        var moves = new TraceMoves(capacity: 2);
        Assert.True(moves.Add(new TraceMove(ServerTrace, 20, ClientTrace, 10)));
        Assert.False(moves.Add(new TraceMove(ServerTrace, 20, new TraceKey(9, 9), 90)));
        Assert.False(moves.Add(new TraceMove(ClientTrace, 10, ServerTrace, 20)));
        Assert.False(moves.Add(new TraceMove(ClientTrace, 10, ClientTrace, 11)));

        Assert.True(moves.TryGet(ServerTrace, out var move));
        Assert.Equal(ClientTrace, move.ClientTrace);

        moves.Add(new TraceMove(new TraceKey(3, 3), 30, ClientTrace, 10));
        moves.Add(new TraceMove(new TraceKey(4, 4), 40, ClientTrace, 10));
        Assert.Equal(2, moves.Count);
        Assert.False(moves.TryGet(ServerTrace, out _));
    }
}
