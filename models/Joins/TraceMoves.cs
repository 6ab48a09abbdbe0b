using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Joins;

/// <summary>
/// The server traces a trace shard moved (or was told to move) into client traces, so that spans of them that arrive
/// later follow, and spans that arrive after the order (the join shard was quicker than the trace's own spans) move
/// as they come. Bounded: the oldest moves are forgotten first; by then a trace's spans have long arrived.
/// </summary>
public sealed class TraceMoves(int capacity)
{
    private readonly Dictionary<TraceKey, TraceMove> _moves = [];
    private readonly Queue<TraceKey> _order = new();

    public int Count => _moves.Count;

    /// <summary>
    /// Remembers a move; false (and nothing changes) for a second move of the same server trace (a retried pair), a
    /// move of a trace into itself, or one into a trace that this shard moved into the server trace (a cycle).
    /// </summary>
    public bool Add(TraceMove move)
    {
        if (move.ServerTrace == move.ClientTrace || _moves.ContainsKey(move.ServerTrace)
            || (_moves.TryGetValue(move.ClientTrace, out var onward) && onward.ClientTrace == move.ServerTrace))
        {
            return false;
        }

        if (_moves.Count >= Math.Max(1, capacity))
        {
            _moves.Remove(_order.Dequeue());
        }

        _moves.Add(move.ServerTrace, move);
        _order.Enqueue(move.ServerTrace);
        return true;
    }

    public bool TryGet(TraceKey serverTrace, out TraceMove move) => _moves.TryGetValue(serverTrace, out move);

    /// <summary>
    /// The spans of a moved server trace as the client trace takes them: the server span now has the client span as
    /// its parent; the rest keep theirs.
    /// </summary>
    public static TraceSpan[] Relink(IReadOnlyList<TraceSpan> spans, TraceMove move)
    {
        ArgumentNullException.ThrowIfNull(spans);
        var moved = new TraceSpan[spans.Count];
        for (int i = 0; i < moved.Length; i++)
        {
            var span = spans[i];
            moved[i] = span.SpanId == move.ServerSpanId && span.ParentSpanId == 0 ? span with { ParentSpanId = move.ClientSpanId } : span;
        }

        return moved;
    }
}
