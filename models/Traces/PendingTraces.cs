using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Traces;

/// <summary>
/// The traces in progress of one shard: each gathers spans until none came for the idle time, then it is handed out
/// complete. Bounded: beyond <c>maxTraces</c> the least recently touched trace is handed out early, so memory holds
/// under any load; early completions are counted.
/// </summary>
/// <remarks>
/// Touch order is kept in a linked list so that both the idle sweep and the eviction take the oldest first in O(1)
/// each, without scanning every trace.
/// </remarks>
public sealed class PendingTraces(int maxSpansPerTrace, int maxTraces)
{
    private readonly Dictionary<TraceKey, LinkedListNode<PendingTrace>> _byId = [];
    private readonly LinkedList<PendingTrace> _byTouch = new();

    /// <summary>Traces in progress.</summary>
    public int Count => _byId.Count;

    /// <summary>Traces completed before their idle time because the shard was full.</summary>
    public long CompletedEarly { get; private set; }

    /// <summary>Spans cut from traces beyond their span limit.</summary>
    public long CutSpans { get; private set; }

    /// <summary>
    /// Adds spans of a trace (creating it if new) at <paramref name="nowTicks"/>; returns a trace completed early to
    /// make room, or null.
    /// </summary>
    public PendingTrace? Add(TraceKey traceId, IReadOnlyList<TraceSpan> spans, long nowTicks)
    {
        PendingTrace trace = Touch(traceId, nowTicks, out PendingTrace? evicted);
        long cut = trace.Assembler.CutSpans;
        trace.Assembler.Add(spans);
        CutSpans += trace.Assembler.CutSpans - cut;
        return evicted;
    }

    /// <summary>Marks a trace as having an error log (creating it if new, since the log may come first); returns a trace completed early, or null.</summary>
    public PendingTrace? MarkErrorLog(TraceKey traceId, long nowTicks)
    {
        PendingTrace trace = Touch(traceId, nowTicks, out PendingTrace? evicted);
        trace.ErrorLog = true;
        return evicted;
    }

    /// <summary>Takes the traces untouched since <paramref name="idleSinceTicks"/>, oldest first.</summary>
    public List<PendingTrace> TakeIdle(long idleSinceTicks)
    {
        var idle = new List<PendingTrace>();
        while (_byTouch.First is { } oldest && oldest.Value.LastTouchedTicks <= idleSinceTicks)
        {
            idle.Add(Remove(oldest));
        }

        return idle;
    }

    /// <summary>Takes one trace out of progress (it moves into another trace), or null when it is not here.</summary>
    public PendingTrace? Take(TraceKey traceId) =>
        _byId.TryGetValue(traceId, out LinkedListNode<PendingTrace>? node) ? Remove(node) : null;

    /// <summary>True when the trace is in progress here.</summary>
    public bool Contains(TraceKey traceId) => _byId.ContainsKey(traceId);

    /// <summary>Takes every trace in progress (the shard is going away).</summary>
    public List<PendingTrace> TakeAll() => TakeIdle(long.MaxValue);

    private PendingTrace Touch(TraceKey traceId, long nowTicks, out PendingTrace? evicted)
    {
        evicted = null;
        if (_byId.TryGetValue(traceId, out LinkedListNode<PendingTrace>? node))
        {
            _byTouch.Remove(node);
        }
        else
        {
            if (_byId.Count >= maxTraces && _byTouch.First is { } oldest)
            {
                evicted = Remove(oldest);
                CompletedEarly++;
            }

            node = new LinkedListNode<PendingTrace>(new PendingTrace(traceId, new TraceAssembler(maxSpansPerTrace)));
            _byId.Add(traceId, node);
        }

        node.Value.LastTouchedTicks = nowTicks;
        _byTouch.AddLast(node);
        return node.Value;
    }

    private PendingTrace Remove(LinkedListNode<PendingTrace> node)
    {
        _byTouch.Remove(node);
        _byId.Remove(node.Value.Key);
        return node.Value;
    }
}

/// <summary>A trace in progress: its spans, whether an error log named it, and when it last heard anything.</summary>
public sealed class PendingTrace(TraceKey key, TraceAssembler assembler)
{
    public TraceKey Key { get; } = key;

    private string? _traceId;

    /// <summary>The 32-digit hex id, made when first asked (it names a kept trace; most traces are never kept).</summary>
    public string TraceId => _traceId ??= Key.ToString();

    public TraceAssembler Assembler { get; } = assembler;

    public bool ErrorLog { get; set; }

    public long LastTouchedTicks { get; set; }
}
