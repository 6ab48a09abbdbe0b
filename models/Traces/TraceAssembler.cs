using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Traces;

/// <summary>
/// Gathers the spans of one trace as they arrive over any number of OTLP requests, pairs client and server spans
/// into service-graph edge calls, and builds the <see cref="TraceView"/> of a finished trace. The parts: the span
/// store (<see cref="TraceSpanStore"/>), the pairing (<see cref="EdgePairing"/>), the parent links
/// (<see cref="TraceForest"/>), the critical path and self time, and the view.
/// </summary>
/// <remarks>
/// Serializable with the Orleans serializer, so that a grain can checkpoint it; lookups are rebuilt on first use.
/// Not thread-safe (a grain is single-threaded).
/// </remarks>
[GenerateSerializer, Alias("otlpgrains.TraceAssembler")]
public sealed class TraceAssembler
{
    [Id(0)]
    private readonly TraceSpanStore _store;

    [Id(1)]
    private readonly EdgePairing _pairing = new();

    /// <summary>Creates an empty trace that holds at most <paramref name="maxSpans"/> distinct spans.</summary>
    public TraceAssembler(int maxSpans) => _store = new TraceSpanStore(maxSpans);

    /// <summary>Distinct spans held.</summary>
    public int Count => _store.Count;

    /// <summary>
    /// Spans refused because the trace was full. A refused span is not remembered, so a retried request counts
    /// its refused spans again.
    /// </summary>
    public long CutSpans => _store.CutSpans;

    /// <summary>Any span failed.</summary>
    public bool HasError => _store.HasError;

    /// <summary>The distinct spans held, in arrival order (for a trace that moves into another one).</summary>
    public IReadOnlyList<TraceSpan> Spans => _store.Spans;

    /// <summary>Spans whose parent id is set but whose parent is not (yet) here.</summary>
    public int Orphans => _store.Orphans;

    /// <summary>
    /// The earliest-starting span without a parent; when there is none, the earliest-starting orphan; null when
    /// the trace has neither (no spans, or only a parent cycle).
    /// </summary>
    public TraceSpan? Root
    {
        get
        {
            var index = _store.RootIndex();
            return index < 0 ? null : _store.Spans[index];
        }
    }

    /// <summary>
    /// Adds spans; returns how many were new. A span id seen before is ignored so that a retried request does not
    /// double a span; new spans beyond the limit are cut and counted in <see cref="CutSpans"/>.
    /// </summary>
    public int Add(IReadOnlyList<TraceSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        _pairing.Prepare(_store);
        var added = new List<int>();
        _store.Add(spans, added);
        foreach (var index in added)
        {
            _pairing.Index(_store, index);
        }

        return added.Count;
    }

    /// <summary>
    /// Returns the edge calls not returned before (see <see cref="EdgePairing"/>). When <paramref name="final"/> is
    /// true, unpaired client spans that name a peer become calls to a virtual node. Each client span gives at most
    /// one call, ever; one without a pair or peer stays eligible for a later server span.
    /// </summary>
    public IReadOnlyList<(string Client, EdgeCall Call)> DrainEdgeCalls(bool final) => _pairing.Drain(_store, final);

    /// <summary>The span ids on the critical path of the trace, in the order of <see cref="ToView"/> (the root first).</summary>
    public IReadOnlyList<ulong> CriticalPath()
    {
        var forest = TraceForest.Build(_store);
        var onPath = Traces.CriticalPath.Mark(_store, forest);
        var path = new List<ulong>();
        foreach (var index in forest.Order)
        {
            if (onPath[index])
            {
                path.Add(_store.Spans[index].SpanId);
            }
        }

        return path;
    }

    /// <summary>
    /// Per service, in ms, the time its spans did not spend in a child span: each span's duration minus the union
    /// of its children's intervals clipped to the span.
    /// </summary>
    public IReadOnlyDictionary<string, double> SelfTimeMs() => SelfTime.Ms(_store, TraceForest.Build(_store));

    /// <summary>The assembled trace as the query API shows it.</summary>
    public TraceView ToView(string traceId, string keptBecause) => TraceViewBuilder.Build(_store, traceId, keptBecause);
}
