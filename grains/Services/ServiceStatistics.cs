using System.Runtime.InteropServices;
using OtlpGrains.Models.Statistics;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Services;

/// <summary>
/// Everything one service keeps: totals since first seen, and event-time windows of spans, operations, edges,
/// metrics and logs. Durations come in as nanoseconds; every latency that goes out is in milliseconds.
/// </summary>
/// <remarks>
/// Names (operations, callees, metrics) get a small id once per service, so the windows are keyed by ints and a
/// batch hashes each distinct name once. The clock is not part of the serialized state.
/// </remarks>
[GenerateSerializer, Alias("otlpgrains.ServiceStatistics")]
public sealed class ServiceStatistics
{
    /// <summary>The operation that span names beyond <see cref="ServiceWindowOptions.MaxOperations"/> count under.</summary>
    public const string OtherOperation = "other";

    private const double NanosPerMs = 1_000_000d;
    private const double NanosPerSecond = 1_000_000_000d;
    private const int StackIdLimit = 128;

    private static readonly double[] LatencyBoundsMs = [.. ServiceTotals.LatencyBucketBoundsMs];

    // Not state: whoever restores a checkpoint supplies the clock again.
    [NonSerialized]
    private TimeProvider _time;

    [Id(0)]
    private readonly EventTimeWindows<ServiceWindow> _windows;

    [Id(1)]
    private readonly int _maxOperations;

    [Id(2)]
    private readonly int _maxEdges;

    [Id(3)]
    private readonly int _maxMetricSeries;

    [Id(4)]
    private readonly int _p99MinCount;

    [Id(5)]
    private readonly long _p99LookbackNanos;

    [Id(6)]
    private readonly List<string> _operationNames = [];

    [Id(7)]
    private readonly Dictionary<string, int> _operationIds = new(StringComparer.Ordinal);

    // Distinct span names admitted under their own name; the "other" fold does not count against the limit.
    [Id(8)]
    private int _namedOperations;

    [Id(9)]
    private readonly List<KnownEdge> _edges = [];

    [Id(10)]
    private readonly Dictionary<string, int> _edgeIds = new(StringComparer.Ordinal);

    [Id(11)]
    private readonly List<KnownSeries> _series = [];

    [Id(12)]
    private readonly Dictionary<string, int> _seriesIds = new(StringComparer.Ordinal);

    [Id(13)]
    private long _spans;

    [Id(14)]
    private long _requests;

    [Id(15)]
    private long _errors;

    [Id(16)]
    private long _lateSpans;

    [Id(17)]
    private long _logs;

    [Id(18)]
    private long _metricPoints;

    [Id(19)]
    private long _refusedMetricPoints;

    [Id(20)]
    private long _refusedEdgeCalls;

    [Id(21)]
    private readonly long[] _latencyBucketCounts = new long[LatencyBoundsMs.Length + 1];

    [Id(22)]
    private double _latencySumMs;

    public ServiceStatistics(ServiceWindowOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _windows = new EventTimeWindows<ServiceWindow>(
            TimeSpan.FromSeconds(options.BucketSeconds),
            TimeSpan.FromSeconds(options.RetentionSeconds),
            TimeSpan.FromSeconds(options.AllowedLatenessSeconds),
            TimeSpan.FromSeconds(options.MaxFutureSkewSeconds));
        _maxOperations = options.MaxOperations;
        _maxEdges = options.MaxEdges;
        _maxMetricSeries = options.MaxMetricSeries;
        _p99MinCount = options.P99MinCount;
        _p99LookbackNanos = options.P99LookbackSeconds * (long)NanosPerSecond;
    }

    /// <summary>Gives a statistics object restored from a checkpoint its clock back (the clock is not state).</summary>
    public void AttachClock(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>Counters since first seen.</summary>
    public ServiceTotals Totals => new(
        _spans,
        _requests,
        _errors,
        _lateSpans,
        _logs,
        _metricPoints,
        _refusedMetricPoints,
        [.. _latencyBucketCounts],
        _latencySumMs);

    /// <summary>Edge calls refused because the service already had <see cref="ServiceWindowOptions.MaxEdges"/> callees.</summary>
    public long RefusedEdgeCalls => _refusedEdgeCalls;

    /// <summary>The largest event time accepted so far, or null before the first.</summary>
    public DateTimeOffset? LastSeen =>
        _windows.Watermark is { } watermark ? UnixNanos.ToDateTimeOffset(watermark) : null;

    /// <summary>
    /// Counts every span in the totals; places spans by end time in the windows, where late or future ones are
    /// only counted as <see cref="ServiceTotals.LateSpans"/>.
    /// </summary>
    public void AddSpans(ServiceSpanBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        long now = NowUnixNano();
        string[] names = batch.Operations;
        Span<int> operationIds = names.Length <= StackIdLimit ? stackalloc int[names.Length] : new int[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            operationIds[i] = OperationId(names[i]);
        }

        foreach (ref readonly ServiceSpan span in batch.Spans.AsSpan())
        {
            bool request = (span.Role & SpanRole.Request) != 0;
            bool error = request && (span.Role & SpanRole.Error) != 0;
            _spans++;
            if (request)
            {
                _requests++;
                if (error)
                {
                    _errors++;
                }

                double ms = Math.Max(0, span.DurationNanos / NanosPerMs);
                _latencySumMs += ms;
                _latencyBucketCounts[LatencyBucketOf(ms)]++;
            }

            ServiceWindow? window = _windows.Place(span.EndUnixNano, now, out _);
            if (window is null)
            {
                _lateSpans++;
                continue;
            }

            window.Spans++;
            if (request)
            {
                window.Requests++;
                window.RequestLatency.RecordNanos(span.DurationNanos);
                if (error)
                {
                    window.Errors++;
                }
            }

            // A span naming an operation the batch does not carry is malformed; fold it rather than drop it.
            int operationId = (uint)span.Operation < (uint)operationIds.Length ? operationIds[span.Operation] : OtherOperationId();
            ref OperationWindow? operation = ref CollectionsMarshal.GetValueRefOrAddDefault(window.Operations, operationId, out _);
            operation ??= new OperationWindow();
            operation.Spans++;
            operation.Latency.RecordNanos(span.DurationNanos);
            if (request)
            {
                operation.Requests++;
                if (error)
                {
                    operation.Errors++;
                }
            }
        }
    }

    /// <summary>
    /// Counts calls per callee in the totals and windows (late or future calls only in the totals); calls to callees
    /// beyond the limit are refused and counted in <see cref="RefusedEdgeCalls"/>.
    /// </summary>
    public void AddEdgeCalls(EdgeCall[] calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        long now = NowUnixNano();
        string? lastServer = null;
        int lastId = -1;
        foreach (ref readonly EdgeCall call in calls.AsSpan())
        {
            // Calls of one batch usually share a few callees: skip the hash when the string is the same instance.
            int id = ReferenceEquals(call.Server, lastServer) ? lastId : EdgeId(call.Server, call.Virtual);
            lastServer = call.Server;
            lastId = id;
            if (id < 0)
            {
                _refusedEdgeCalls++;
                continue;
            }

            KnownEdge edge = _edges[id];
            edge.Virtual = call.Virtual;
            edge.Calls++;
            if (call.Error)
            {
                edge.Errors++;
            }

            ServiceWindow? window = _windows.Place(call.EndUnixNano, now, out _);
            if (window is null)
            {
                continue;
            }

            ref EdgeWindow? edgeWindow = ref CollectionsMarshal.GetValueRefOrAddDefault(window.Edges, id, out _);
            edgeWindow ??= new EdgeWindow();
            edgeWindow.Calls++;
            edgeWindow.Latency.RecordNanos(call.DurationNanos);
            if (call.Error)
            {
                edgeWindow.Errors++;
            }
        }
    }

    /// <summary>
    /// Adds points per metric name and window. Points of names beyond the limit, and points the windows refuse
    /// (late or future), count as <see cref="ServiceTotals.RefusedMetricPoints"/>.
    /// </summary>
    public void AddMetrics(ServiceMetricBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        long now = NowUnixNano();
        string[] names = batch.Names;
        Span<int> seriesIds = names.Length <= StackIdLimit ? stackalloc int[names.Length] : new int[names.Length];
        seriesIds.Fill(int.MinValue); // Resolved on first use, so a name whose points are all absent takes no slot.
        foreach (ref readonly MetricPoint point in batch.Points.AsSpan())
        {
            _metricPoints++;
            if ((uint)point.Name >= (uint)seriesIds.Length)
            {
                _refusedMetricPoints++;
                continue;
            }

            ref int id = ref seriesIds[point.Name];
            if (id == int.MinValue)
            {
                id = SeriesId(names[point.Name], point.Kind);
            }

            ServiceWindow? window = id < 0 ? null : _windows.Place(point.TimeUnixNano, now, out _);
            if (window is null)
            {
                _refusedMetricPoints++;
                continue;
            }

            _series[id].Kind = point.Kind;
            ref MetricWindowState? state = ref CollectionsMarshal.GetValueRefOrAddDefault(window.Metrics, id, out _);
            state ??= new MetricWindowState();
            state.Add(point);
        }
    }

    /// <summary>Counts log records in the totals and, by severity, in the window of their event time.</summary>
    public void AddLogs(ServiceLogBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        long now = NowUnixNano();
        _logs += batch.Logs.Length;
        foreach (ref readonly LogStamp log in batch.Logs.AsSpan())
        {
            ServiceWindow? window = _windows.Place(log.TimeUnixNano, now, out _);
            if (window is not null)
            {
                window.LogsBySeverity[LogSeverity.IndexOf(log.SeverityNumber)]++;
            }
        }
    }

    /// <summary>Totals since first seen; rate, error ratio and latency over the last complete window.</summary>
    public ServiceSummary Summary(string name)
    {
        if (!_windows.TryGetLastComplete(out TimeWindow<ServiceWindow> last))
        {
            return new ServiceSummary(name, _spans, _requests, _errors, 0, 0, LatencySummary.Empty, null, null, null);
        }

        ServiceWindow window = last.Bucket;
        return new ServiceSummary(
            name,
            _spans,
            _requests,
            _errors,
            window.Requests / (_windows.WidthNanos / NanosPerSecond),
            Ratio(window.Errors, window.Requests),
            window.RequestLatency.Summary(),
            LastSeen,
            last.Start,
            last.End);
    }

    /// <summary>The service over the windows overlapping [from, to); null bounds mean everything retained.</summary>
    public ServiceDetail Detail(string name, DateTimeOffset? from, DateTimeOffset? to)
    {
        List<TimeWindow<ServiceWindow>> windows = WindowsOver(from, to);
        long spans = 0;
        long requests = 0;
        long errors = 0;
        var latency = new LatencyHistogram();
        var series = new List<WindowPoint>(windows.Count);
        var operations = new OperationWindow?[_operationNames.Count];
        var logs = new long[LogSeverity.Names.Count];
        var metrics = new List<MetricWindow>?[_series.Count];
        foreach (TimeWindow<ServiceWindow> timeWindow in windows)
        {
            ServiceWindow window = timeWindow.Bucket;
            spans += window.Spans;
            requests += window.Requests;
            errors += window.Errors;
            latency.Merge(window.RequestLatency);
            if (window.Spans > 0)
            {
                LatencySummary point = window.RequestLatency.Summary();
                series.Add(new WindowPoint(
                    timeWindow.Start, timeWindow.End, window.Requests, window.Errors, point.P50, point.P95, point.P99));
            }

            foreach ((int id, OperationWindow operation) in window.Operations)
            {
                (operations[id] ??= new OperationWindow()).Merge(operation);
            }

            for (int i = 0; i < logs.Length; i++)
            {
                logs[i] += window.LogsBySeverity[i];
            }

            foreach ((int id, MetricWindowState state) in window.Metrics)
            {
                (metrics[id] ??= []).Add(state.ToWindow(timeWindow.Start, timeWindow.End));
            }
        }

        return new ServiceDetail(
            name,
            from,
            to,
            spans,
            requests,
            errors,
            latency.Summary(),
            [.. series],
            OperationsOf(operations),
            EdgesOver(name, windows),
            LogsOf(logs),
            MetricsOf(metrics),
            Totals);
    }

    /// <summary>Every edge: call totals since first seen, latency over all retained windows.</summary>
    public EdgeStats[] Downstream(string name) => EdgesOver(name, WindowsOver(null, null));

    /// <summary>
    /// p99 (ms) of the operation's span latency in the windows overlapping the lookback before the watermark, or null
    /// when the operation is unknown or had fewer than the minimum count of spans there.
    /// </summary>
    public double? OperationP99(string operation)
    {
        if (_windows.Watermark is not { } watermark || !_operationIds.TryGetValue(operation, out int id))
        {
            return null;
        }

        long to = watermark == long.MaxValue ? watermark : watermark + 1;
        long from = watermark < long.MinValue + _p99LookbackNanos ? long.MinValue : watermark - _p99LookbackNanos;
        long spans = 0;
        var latency = new LatencyHistogram();
        foreach (TimeWindow<ServiceWindow> window in _windows.Range(from, to))
        {
            if (window.Bucket.Operations.TryGetValue(id, out OperationWindow? stats))
            {
                spans += stats.Spans;
                latency.Merge(stats.Latency);
            }
        }

        return spans < _p99MinCount ? null : latency.QuantileMs(0.99);
    }

    private static double Ratio(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    // Bounds are "less than or equal", as in a Prometheus histogram's le label.
    private static int LatencyBucketOf(double ms)
    {
        int bucket = 0;
        while (bucket < LatencyBoundsMs.Length && ms > LatencyBoundsMs[bucket])
        {
            bucket++;
        }

        return bucket;
    }

    private static LogSummary LogsOf(long[] counts)
    {
        // Severities in OTLP order, UNSPECIFIED last, all present so that the JSON shape is stable.
        var bySeverity = new Dictionary<string, long>(counts.Length, StringComparer.Ordinal);
        long total = 0;
        for (int i = 1; i <= counts.Length; i++)
        {
            int index = i % counts.Length;
            bySeverity[LogSeverity.Names[index]] = counts[index];
            total += counts[index];
        }

        return new LogSummary(total, bySeverity);
    }

    private long NowUnixNano() => UnixNanos.FromDateTimeOffset(_time.GetUtcNow());

    private List<TimeWindow<ServiceWindow>> WindowsOver(DateTimeOffset? from, DateTimeOffset? to) =>
        [.. _windows.Range(
            from is { } start ? UnixNanos.FromDateTimeOffset(start) : long.MinValue,
            to is { } end ? UnixNanos.FromDateTimeOffset(end) : long.MaxValue)];

    private int OperationId(string name)
    {
        if (_operationIds.TryGetValue(name, out int id))
        {
            return id;
        }

        // Names beyond the limit are not remembered: a service with unbounded span names must not grow the map.
        return _namedOperations < _maxOperations ? AddOperation(name, named: true) : OtherOperationId();
    }

    private int OtherOperationId() =>
        _operationIds.TryGetValue(OtherOperation, out int id) ? id : AddOperation(OtherOperation, named: false);

    private int AddOperation(string name, bool named)
    {
        int id = _operationNames.Count;
        _operationNames.Add(name);
        _operationIds.Add(name, id);
        if (named)
        {
            _namedOperations++;
        }

        return id;
    }

    // -1 when the callee is new and the service already has the most callees it may keep.
    private int EdgeId(string server, bool isVirtual)
    {
        if (_edgeIds.TryGetValue(server, out int id))
        {
            return id;
        }

        if (_edges.Count >= _maxEdges)
        {
            return -1;
        }

        id = _edges.Count;
        _edges.Add(new KnownEdge(server, isVirtual));
        _edgeIds.Add(server, id);
        return id;
    }

    // -1 when the name is new and the service already has the most series it may keep.
    private int SeriesId(string name, MetricKind kind)
    {
        if (_seriesIds.TryGetValue(name, out int id))
        {
            return id;
        }

        if (_series.Count >= _maxMetricSeries)
        {
            return -1;
        }

        id = _series.Count;
        _series.Add(new KnownSeries(name, kind));
        _seriesIds.Add(name, id);
        return id;
    }

    private OperationStats[] OperationsOf(OperationWindow?[] operations)
    {
        var result = new List<OperationStats>();
        for (int id = 0; id < operations.Length; id++)
        {
            if (operations[id] is { } operation)
            {
                result.Add(new OperationStats(
                    _operationNames[id], operation.Spans, operation.Requests, operation.Errors, operation.Latency.Summary()));
            }
        }

        result.Sort(static (a, b) =>
        {
            int order = b.Requests.CompareTo(a.Requests);
            order = order != 0 ? order : b.Spans.CompareTo(a.Spans);
            return order != 0 ? order : string.CompareOrdinal(a.Name, b.Name);
        });
        return [.. result];
    }

    private EdgeStats[] EdgesOver(string client, List<TimeWindow<ServiceWindow>> windows)
    {
        var latencies = new LatencyHistogram[_edges.Count];
        for (int id = 0; id < latencies.Length; id++)
        {
            latencies[id] = new LatencyHistogram();
        }

        foreach (TimeWindow<ServiceWindow> window in windows)
        {
            foreach ((int id, EdgeWindow edge) in window.Bucket.Edges)
            {
                latencies[id].Merge(edge.Latency);
            }
        }

        var result = new EdgeStats[_edges.Count];
        for (int id = 0; id < result.Length; id++)
        {
            KnownEdge edge = _edges[id];
            result[id] = new EdgeStats(client, edge.Server, edge.Virtual, edge.Calls, edge.Errors, latencies[id].Summary());
        }

        // Busiest callees first, then by name, so that the order does not depend on arrival.
        Array.Sort(result, static (a, b) =>
        {
            int order = b.Calls.CompareTo(a.Calls);
            return order != 0 ? order : string.CompareOrdinal(a.Server, b.Server);
        });
        return result;
    }

    private MetricSeries[] MetricsOf(List<MetricWindow>?[] windows)
    {
        // Series without points in the range are left out; ordered by name for a stable output.
        var result = new List<MetricSeries>();
        for (int id = 0; id < windows.Length; id++)
        {
            if (windows[id] is { } points)
            {
                result.Add(new MetricSeries(_series[id].Name, _series[id].Kind, [.. points]));
            }
        }

        result.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return [.. result];
    }
}
