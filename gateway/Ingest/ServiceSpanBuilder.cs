using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// Collects one service's spans of a request, writing each distinct span name once. Cleared and reused for the
/// next request, so that its dictionary and lists are not allocated anew each time.
/// </summary>
internal sealed class ServiceSpanBuilder
{
    private readonly Dictionary<string, int> _operationIndex = new(StringComparer.Ordinal);
    private readonly List<string> _operations = [];
    private readonly List<ServiceSpan> _spans = [];

    public void Add(string operation, ulong spanId, long endUnixNano, long durationNanos, SpanKindCode kind, SpanRole role)
    {
        if (!_operationIndex.TryGetValue(operation, out var index))
        {
            index = _operations.Count;
            _operationIndex.Add(operation, index);
            _operations.Add(operation);
        }

        _spans.Add(new ServiceSpan(endUnixNano, durationNanos, index, kind, role) { SpanId = spanId });
    }

    public ServiceSpanBatch Build(Guid batchId) => new(batchId, [.. _operations], [.. _spans]);

    /// <summary>Forgets the request; false when it was so large that keeping its capacity would waste memory.</summary>
    public bool Clear()
    {
        bool keep = _spans.Capacity <= TraceGrouping.MaxKeptSpans && _operations.Count <= TraceGrouping.MaxKeptSpans;
        _operationIndex.Clear();
        _operations.Clear();
        _spans.Clear();
        return keep;
    }
}
