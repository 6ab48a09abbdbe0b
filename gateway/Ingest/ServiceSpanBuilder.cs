using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// Collects one service's spans of a request, writing each distinct span name once. Cleared and reused for the
/// next request, so that its dictionary and lists are not allocated anew each time.
/// </summary>
internal sealed class ServiceSpanBuilder
{
    private readonly Dictionary<string, int> _operationIndex = new(StringComparer.Ordinal);

    // Names come from a pool, so the same name is nearly always the same string: finding it by reference skips
    // hashing its characters. A miss (another string of the same text) falls back to the ordinal lookup.
    private readonly Dictionary<string, int> _byReference = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _operations = [];
    private readonly List<ServiceSpan> _spans = [];
    private TraceExemplar? _slowest;
    private TraceExemplar? _lastFailed;

    public void Add(string operation, ulong spanId, long endUnixNano, long durationNanos, SpanKindCode kind, SpanRole role, TraceKey trace)
    {
        if (!_byReference.TryGetValue(operation, out var index))
        {
            if (!_operationIndex.TryGetValue(operation, out index))
            {
                index = _operations.Count;
                _operationIndex.Add(operation, index);
                _operations.Add(operation);
            }

            _byReference.Add(operation, index);
        }

        _spans.Add(new ServiceSpan(endUnixNano, durationNanos, index, kind, role) { SpanId = spanId });
        if ((role & SpanRole.Request) != 0)
        {
            // Two comparisons per request, and a struct copy when one wins: the windows' trace exemplars cost no allocation per span.
            bool failed = (role & SpanRole.Error) != 0;
            if (failed && (_lastFailed is not { } last || endUnixNano >= last.EndUnixNano))
            {
                _lastFailed = new TraceExemplar(trace, endUnixNano, durationNanos, index, Failed: true) { SpanIndex = _spans.Count - 1 };
            }

            if (_slowest is not { } slowest || durationNanos > slowest.DurationNanos)
            {
                _slowest = new TraceExemplar(trace, endUnixNano, durationNanos, index, failed) { SpanIndex = _spans.Count - 1 };
            }
        }
    }

    public ServiceSpanBatch Build(Guid batchId) => new(batchId, [.. _operations], [.. _spans]) { Exemplars = Exemplars() };

    // In the order of their spans, as the service's windows take them.
    private TraceExemplar[] Exemplars() => (_slowest, _lastFailed) switch
    {
        ({ } slowest, { } failed) when slowest != failed => slowest.SpanIndex < failed.SpanIndex ? [slowest, failed] : [failed, slowest],
        ({ } slowest, _) => [slowest],
        _ => [],
    };

    /// <summary>Forgets the request; false when it was so large that keeping its capacity would waste memory.</summary>
    public bool Clear()
    {
        bool keep = _spans.Capacity <= TraceGrouping.MaxKeptSpans && _operations.Count <= TraceGrouping.MaxKeptSpans;
        _operationIndex.Clear();
        _byReference.Clear();
        _operations.Clear();
        _spans.Clear();
        _slowest = null;
        _lastFailed = null;
        return keep;
    }
}
