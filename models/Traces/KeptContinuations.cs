using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Traces;

/// <summary>
/// The traces a shard kept lately, so that spans of such a trace that straggle in after it completed are kept too, as a
/// further part of it, whatever tail sampling would say of them alone: a kept trace stays whole. The first part is
/// stored under the trace id, part n under <see cref="KeyOf"/> (<c>{traceId}/{n}</c>), and reading a trace joins its
/// parts. Bounded twice: the shard remembers <paramref name="capacity"/> traces (the oldest forgotten first), and a
/// trace has at most <see cref="MaxParts"/> parts.
/// </summary>
public sealed class KeptContinuations(int capacity)
{
    /// <summary>Why a later part was kept when tail sampling would not have kept its spans alone.</summary>
    public const string Reason = "continued";

    /// <summary>The most parts a kept trace is stored in: its first completion and three continuations.</summary>
    public const int MaxParts = 4;

    private readonly Dictionary<TraceKey, int> _parts = [];
    private readonly Queue<TraceKey> _order = new();

    /// <summary>The store key of part <paramref name="part"/> (1-based) of a trace.</summary>
    public static string KeyOf(string traceId, int part) => part <= 1 ? traceId : $"{traceId}/{part}";

    /// <summary>The store keys of every part a trace may have, in order.</summary>
    public static string[] KeysOf(string traceId) => [.. Enumerable.Range(1, MaxParts).Select(p => KeyOf(traceId, p))];

    /// <summary>
    /// The part a completion of <paramref name="trace"/> would be when kept: 1 for a trace not kept lately, the next
    /// part for one that was, null when the trace has all its parts already.
    /// </summary>
    public int? NextPart(TraceKey trace) =>
        _parts.TryGetValue(trace, out var kept) ? (kept < MaxParts ? kept + 1 : null) : 1;

    /// <summary>True when the trace was kept lately: a completion of it is a continuation.</summary>
    public bool WasKept(TraceKey trace) => _parts.ContainsKey(trace);

    /// <summary>Records that part <paramref name="part"/> of the trace was kept.</summary>
    public void Kept(TraceKey trace, int part)
    {
        if (_parts.ContainsKey(trace))
        {
            _parts[trace] = part;
            return;
        }

        if (_parts.Count >= Math.Max(1, capacity))
        {
            _parts.Remove(_order.Dequeue());
        }

        _parts[trace] = part;
        _order.Enqueue(trace);
    }
}
