using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// Groups the accepted spans of one trace request by service and by trace, and counts what was rejected. One per
/// thread, reused across requests: its dictionaries and buffers are cleared rather than allocated again.
/// </summary>
internal sealed class TraceGrouping : IReusable
{
    /// <summary>Buffers that grew past this many spans are dropped after the request, not kept for the next.</summary>
    public const int MaxKeptSpans = 16_384;

    private readonly Dictionary<string, int> _serviceIndex = new(StringComparer.Ordinal);
    private readonly List<(string Name, ServiceSpanBuilder Spans)> _services = [];
    private readonly List<ServiceSpanBuilder> _spareBuilders = [];
    private readonly SpanLabelCache _labels = new();
    private readonly Dictionary<TraceKey, int> _traceIndex = [];
    private readonly List<TraceKey> _traces = [];
    private int[] _traceSizes = new int[64];
    private TraceSpan[] _spans = new TraceSpan[256];
    private int[] _spanTraces = new int[256];
    private int _spanCount;
    private readonly List<JoinHalf>[] _halves = NewLists<JoinHalf>();
    private readonly List<string>[] _halfServices = NewLists<string>();
    private int _halfCount;

    // The accepted spans' attributes as encoded in the request, one after another: span i's are
    // _attributeBytes[_attributeStarts[i] .. _attributeEnds[i]]. Copied per trace in Build, so that a pending trace
    // holds only its own.
    private byte[] _attributeBytes = new byte[16_384];
    private int _attributeLength;
    private int[] _attributeStarts = new int[256];
    private int[] _attributeEnds = new int[256];

    public int Rejected { get; private set; }

    public string? RejectReason { get; private set; }

    public void Reject(string reason)
    {
        Rejected++;
        RejectReason ??= reason;
    }

    /// <summary>The index of a service's spans, created with its first accepted span.</summary>
    public int Service(string name)
    {
        if (_serviceIndex.TryGetValue(name, out var index))
        {
            return index;
        }

        index = _services.Count;
        ServiceSpanBuilder builder;
        if (_spareBuilders.Count > 0)
        {
            builder = _spareBuilders[^1];
            _spareBuilders.RemoveAt(_spareBuilders.Count - 1);
        }
        else
        {
            builder = new ServiceSpanBuilder();
        }

        _services.Add((name, builder));
        _serviceIndex.Add(name, index);
        return index;
    }

    public ServiceSpanBuilder SpansOf(int service) => _services[service].Spans;

    /// <summary>The label shared by every span with these names (kept across requests, unlike the rest).</summary>
    public SpanLabel Label(string service, string name, string? peer) => _labels.Get(service, name, peer);

    /// <summary>Where the next span's attributes start: pass it to <see cref="AddAttribute"/> and <see cref="AddToTrace"/>.</summary>
    public int AttributeMark => _attributeLength;

    /// <summary>
    /// Keeps one encoded <c>KeyValue</c> of the span whose attributes started at <paramref name="mark"/>, with its
    /// field tag and length, when the span's attributes stay within <see cref="SpanAttributes.MaxBytesPerSpan"/>.
    /// </summary>
    public void AddAttribute(int mark, ReadOnlySpan<byte> keyValue)
    {
        // The field tag (9, length-delimited) and the length as a varint.
        Span<byte> header = stackalloc byte[6];
        header[0] = (9 << 3) | 2;
        int headerLength = 1;
        for (uint length = (uint)keyValue.Length; ; length >>= 7)
        {
            header[headerLength++] = (byte)(length < 0x80 ? length : (length & 0x7F) | 0x80);
            if (length < 0x80)
            {
                break;
            }
        }

        int size = headerLength + keyValue.Length;
        if (_attributeLength - mark + size > SpanAttributes.MaxBytesPerSpan)
        {
            return;
        }

        if (_attributeLength + size > _attributeBytes.Length)
        {
            Array.Resize(ref _attributeBytes, Math.Max(_attributeBytes.Length * 2, _attributeLength + size));
        }

        header[..headerLength].CopyTo(_attributeBytes.AsSpan(_attributeLength));
        keyValue.CopyTo(_attributeBytes.AsSpan(_attributeLength + headerLength));
        _attributeLength += size;
    }

    /// <summary>Forgets the attributes kept since <paramref name="mark"/>: their span was refused.</summary>
    public void DropAttributes(int mark) => _attributeLength = mark;

    /// <param name="trace">The span's trace.</param>
    /// <param name="span">The span.</param>
    /// <param name="attributesFrom">The <see cref="AttributeMark"/> taken before the span's attributes were added.</param>
    public void AddToTrace(TraceKey trace, TraceSpan span, int attributesFrom)
    {
        if (!_traceIndex.TryGetValue(trace, out var index))
        {
            index = _traces.Count;
            _traceIndex.Add(trace, index);
            _traces.Add(trace);
            if (index == _traceSizes.Length)
            {
                Array.Resize(ref _traceSizes, index * 2);
            }

            _traceSizes[index] = 0;
        }

        if (_spanCount == _spans.Length)
        {
            Array.Resize(ref _spans, _spanCount * 2);
            Array.Resize(ref _spanTraces, _spanCount * 2);
            Array.Resize(ref _attributeStarts, _spanCount * 2);
            Array.Resize(ref _attributeEnds, _spanCount * 2);
        }

        _spans[_spanCount] = span;
        _spanTraces[_spanCount] = index;
        _attributeStarts[_spanCount] = attributesFrom;
        _attributeEnds[_spanCount] = _attributeLength;
        _spanCount++;
        _traceSizes[index]++;
    }

    /// <summary>Notes one end of a request that names its connection, for the join (<see cref="TraceIngestPlan.Halves"/>).</summary>
    public void AddHalf(string service, JoinHalf half)
    {
        int shard = JoinShards.Of(half.Key);
        _halves[shard].Add(half);
        _halfServices[shard].Add(service);
        _halfCount++;
    }

    public TraceIngestPlan Build(Guid batchId)
    {
        var services = new KeyValuePair<string, ServiceSpanBatch>[_services.Count];
        for (int i = 0; i < services.Length; i++)
        {
            services[i] = new(_services[i].Name, _services[i].Spans.Build(batchId));
        }

        // Each trace's spans in the order they arrived: size the arrays first, then fill them in one pass.
        var traceSpans = new TraceSpan[_traces.Count][];
        var attributeSizes = new int[_traces.Count];
        for (int t = 0; t < traceSpans.Length; t++)
        {
            traceSpans[t] = new TraceSpan[_traceSizes[t]];
            _traceSizes[t] = 0;
        }

        for (int i = 0; i < _spanCount; i++)
        {
            int t = _spanTraces[i];
            traceSpans[t][_traceSizes[t]++] = _spans[i];
            attributeSizes[t] += _attributeEnds[i] - _attributeStarts[i];
        }

        var attributes = new SpanAttributes?[traceSpans.Length];
        for (int t = 0; t < attributes.Length; t++)
        {
            if (attributeSizes[t] > 0)
            {
                attributes[t] = new SpanAttributes(new byte[attributeSizes[t]], new int[traceSpans[t].Length]);
                _traceSizes[t] = 0;
                attributeSizes[t] = 0;
            }
        }

        for (int i = 0; i < _spanCount; i++)
        {
            if (attributes[_spanTraces[i]] is { } kept)
            {
                int t = _spanTraces[i];
                int length = _attributeEnds[i] - _attributeStarts[i];
                _attributeBytes.AsSpan(_attributeStarts[i], length).CopyTo(kept.Encoded.AsSpan(attributeSizes[t]));
                attributeSizes[t] += length;
                kept.Ends[_traceSizes[t]++] = attributeSizes[t];
            }
        }

        var traces = new TraceSpanBatch[traceSpans.Length];
        for (int t = 0; t < traces.Length; t++)
        {
            traces[t] = new TraceSpanBatch(_traces[t], traceSpans[t]) { Attributes = attributes[t] };
        }

        return new TraceIngestPlan(batchId, services, traces, _spanCount, Rejected, RejectReason) { Halves = BuildHalves() };
    }

    // The halves grouped by join shard as they came, so that each shard's array is made once.
    private ShardHalves[] BuildHalves()
    {
        if (_halfCount == 0)
        {
            return [];
        }

        var shards = new List<ShardHalves>();
        for (int shard = 0; shard < _halves.Length; shard++)
        {
            if (_halves[shard].Count > 0)
            {
                shards.Add(new ShardHalves(shard, [.. _halves[shard]], [.. _halfServices[shard]]));
            }
        }

        return [.. shards];
    }

    private static List<T>[] NewLists<T>()
    {
        var lists = new List<T>[JoinShards.Count];
        for (int i = 0; i < lists.Length; i++)
        {
            lists[i] = [];
        }

        return lists;
    }

    public bool Clear()
    {
        bool keep = _spans.Length <= MaxKeptSpans && _traceSizes.Length <= MaxKeptSpans && _attributeBytes.Length <= MaxKeptSpans * 64;
        foreach (var (_, builder) in _services)
        {
            if (builder.Clear() && keep)
            {
                _spareBuilders.Add(builder);
            }
        }

        _services.Clear();
        _serviceIndex.Clear();
        _traceIndex.Clear();
        _traces.Clear();
        Array.Clear(_spans, 0, _spanCount);
        _spanCount = 0;
        _attributeLength = 0;
        for (int shard = 0; shard < _halves.Length; shard++)
        {
            keep &= _halves[shard].Capacity <= MaxKeptSpans;
            _halves[shard].Clear();
            _halfServices[shard].Clear();
        }

        _halfCount = 0;
        Rejected = 0;
        RejectReason = null;
        return keep && _spareBuilders.Count <= 1024;
    }
}
