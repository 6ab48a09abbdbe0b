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

    public void AddToTrace(TraceKey trace, TraceSpan span)
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
        }

        _spans[_spanCount] = span;
        _spanTraces[_spanCount] = index;
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
        for (int t = 0; t < traceSpans.Length; t++)
        {
            traceSpans[t] = new TraceSpan[_traceSizes[t]];
            _traceSizes[t] = 0;
        }

        for (int i = 0; i < _spanCount; i++)
        {
            int t = _spanTraces[i];
            traceSpans[t][_traceSizes[t]++] = _spans[i];
        }

        var traces = new TraceSpanBatch[traceSpans.Length];
        for (int t = 0; t < traces.Length; t++)
        {
            traces[t] = new TraceSpanBatch(_traces[t], traceSpans[t]);
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
        bool keep = _spans.Length <= MaxKeptSpans && _traceSizes.Length <= MaxKeptSpans;
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
