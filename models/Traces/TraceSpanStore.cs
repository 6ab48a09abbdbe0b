using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Traces;

/// <summary>
/// The distinct spans of one trace in arrival order, bounded: every span index of the trace classes points into it.
/// Only the spans and counts are state; the lookup by id is rebuilt on first use after deserialization.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.TraceSpanStore")]
internal sealed class TraceSpanStore
{
    [Id(0)]
    private readonly int _maxSpans;

    [Id(1)]
    private readonly List<TraceSpan> _spans = [];

    [Id(2)]
    private long _cutSpans;

    // Each span's encoded attributes, parallel to _spans: slices of the arrays their batches came in, so a span costs
    // no array of its own while its trace is pending (empty when it had none).
    [Id(3)]
    private readonly List<ReadOnlyMemory<byte>> _attributes = [];

    // Derived from the spans: null after deserialization until EnsureIndex runs.
    [NonSerialized]
    private Dictionary<ulong, int>? _indexById;

    [NonSerialized]
    private bool _hasError;

    public TraceSpanStore(int maxSpans)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSpans, 1);
        _maxSpans = maxSpans;
    }

    public IReadOnlyList<TraceSpan> Spans => _spans;

    public int Count => _spans.Count;

    /// <summary>Spans refused because the trace was full; a refused span is not remembered.</summary>
    public long CutSpans => _cutSpans;

    /// <summary>Any span failed.</summary>
    public bool HasError
    {
        get
        {
            EnsureIndex();
            return _hasError;
        }
    }

    /// <summary>Spans whose parent id is set but whose parent is not (yet) here.</summary>
    public int Orphans
    {
        get
        {
            var byId = EnsureIndex();
            var orphans = 0;
            foreach (var span in _spans)
            {
                if (span.ParentSpanId != 0 && !byId.ContainsKey(span.ParentSpanId))
                {
                    orphans++;
                }
            }

            return orphans;
        }
    }

    public bool TryGetIndex(ulong spanId, out int index) => EnsureIndex().TryGetValue(spanId, out index);

    /// <summary>Every span's attributes in one batch's form, in the order of <see cref="Spans"/>; null when no span has any.</summary>
    public SpanAttributes? Attributes()
    {
        int total = 0;
        foreach (ReadOnlyMemory<byte> attributes in _attributes)
        {
            total += attributes.Length;
        }

        if (total == 0)
        {
            return null;
        }

        var encoded = new byte[total];
        var ends = new int[_spans.Count];
        int at = 0;
        for (int i = 0; i < ends.Length; i++)
        {
            ReadOnlySpan<byte> attributes = AttributesOf(i);
            attributes.CopyTo(encoded.AsSpan(at));
            at += attributes.Length;
            ends[i] = at;
        }

        return new SpanAttributes(encoded, ends);
    }

    /// <summary>The encoded attributes of span <paramref name="index"/> (see <see cref="SpanAttributes"/>).</summary>
    public ReadOnlySpan<byte> AttributesOf(int index) => index < _attributes.Count ? _attributes[index].Span : default;

    /// <summary>
    /// Adds the spans not held yet and appends their indexes to <paramref name="added"/>; a span id seen before is
    /// ignored (a retried request), new spans beyond the limit are cut and counted.
    /// </summary>
    /// <param name="spans">The spans.</param>
    /// <param name="added">Receives the indexes of the spans added.</param>
    /// <param name="attributes">The spans' attributes, when they came with any.</param>
    public void Add(IReadOnlyList<TraceSpan> spans, List<int> added, SpanAttributes? attributes = null)
    {
        var byId = EnsureIndex();
        for (var i = 0; i < spans.Count; i++)
        {
            var span = spans[i];
            if (byId.ContainsKey(span.SpanId))
            {
                continue;
            }

            if (_spans.Count >= _maxSpans)
            {
                _cutSpans++;
                continue;
            }

            var index = _spans.Count;
            _spans.Add(span);
            _attributes.Add(attributes is null ? ReadOnlyMemory<byte>.Empty : attributes.Of(i));
            byId.Add(span.SpanId, index);
            _hasError |= span.IsError;
            added.Add(index);
        }
    }

    /// <summary>
    /// The earliest-starting span without a parent; when there is none, the earliest-starting orphan; -1 when the
    /// trace has neither (no spans, or only a parent cycle).
    /// </summary>
    public int RootIndex()
    {
        var byId = EnsureIndex();
        int root = -1, orphan = -1;
        var order = new SpanStartOrder(_spans);
        for (var i = 0; i < _spans.Count; i++)
        {
            var parent = _spans[i].ParentSpanId;
            if (parent == 0)
            {
                if (root < 0 || order.Compare(i, root) < 0)
                {
                    root = i;
                }
            }
            else if (!byId.ContainsKey(parent) && (orphan < 0 || order.Compare(i, orphan) < 0))
            {
                orphan = i;
            }
        }

        return root >= 0 ? root : orphan;
    }

    private Dictionary<ulong, int> EnsureIndex()
    {
        if (_indexById is not null)
        {
            return _indexById;
        }

        _indexById = new Dictionary<ulong, int>(_spans.Count);
        _hasError = false;
        for (var i = 0; i < _spans.Count; i++)
        {
            _indexById.Add(_spans[i].SpanId, i);
            _hasError |= _spans[i].IsError;
        }

        return _indexById;
    }
}
