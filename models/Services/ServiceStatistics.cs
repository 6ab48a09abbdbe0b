using OtlpGrains.Interfaces;
using OtlpGrains.Models.Logs;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>
/// Everything one service keeps: totals since first seen, and per signal (spans, edge calls, metric points, log
/// records) its own event-time windows and watermark. After each batch the windows whose close moment passed are
/// ready in <see cref="TakeClosedWindows"/>, each once. Durations come in as nanoseconds; every latency that goes
/// out is in milliseconds.
/// </summary>
/// <remarks>
/// The grain checkpoints this object as it is, less the sealed windows it stored apart (<see cref="UnstoredWindows"/>).
/// The clock and the closed windows not yet taken are not state: the grain takes the closed windows in the same turn
/// as the batch that closed them, before any checkpoint.
/// </remarks>
[GenerateSerializer, Alias("otlpgrains.ServiceStatistics")]
public sealed class ServiceStatistics
{
    /// <summary>The operation that span names beyond <see cref="ServiceWindowOptions.MaxOperations"/> count under.</summary>
    public const string OtherOperation = SpanSignal.OtherOperation;

    private const long NanosPerSecond = 1_000_000_000;

    [NonSerialized]
    private TimeProvider _time;

    [NonSerialized]
    private List<ClosedWindow>? _closed;

    // Not state: a restart loses only the transitions of the spans in flight.
    [NonSerialized]
    private SpanTemplateChain? _chain;

    [Id(0)]
    private readonly ServiceCounters _counters = new();

    [Id(1)]
    private readonly SpanSignal _spans;

    [Id(2)]
    private readonly EdgeSignal _edges;

    [Id(3)]
    private readonly MetricSignal _metrics;

    [Id(4)]
    private readonly LogSignal _logs;

    [Id(5)]
    private readonly int _p99MinCount;

    [Id(6)]
    private readonly long _p99LookbackNanos;

    [Id(7)]
    private readonly TemplateCatalog _templates = new(LogMinerOptions.Default);

    public ServiceStatistics(ServiceWindowOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _spans = new SpanSignal(options);
        _edges = new EdgeSignal(options);
        _metrics = new MetricSignal(options);
        _logs = new LogSignal(options);
        _p99MinCount = options.P99MinCount;
        _p99LookbackNanos = options.P99LookbackSeconds * NanosPerSecond;
    }

    /// <summary>Gives a statistics object restored from a checkpoint its clock back (the clock is not state).</summary>
    public void AttachClock(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>Counters since first seen.</summary>
    public ServiceTotals Totals => _counters.ToTotals();

    /// <summary>What the windows and bounds refused so far (cheap to read around every batch).</summary>
    public ServiceDrops Drops => _counters.Drops with
    {
        SkippedWindows = _spans.Windows.SkippedWindows + _metrics.Windows.SkippedWindows + _logs.Windows.SkippedWindows,
    };

    /// <summary>Edge calls refused because the service already had <see cref="ServiceWindowOptions.MaxEdges"/> callees.</summary>
    public long RefusedEdgeCalls => _counters.RefusedEdgeCalls;

    /// <summary>The span signal's watermark (the largest span end time accepted so far), or null before the first span.</summary>
    public DateTimeOffset? LastSeen => _spans.Windows.Watermark is { } watermark ? UnixNanos.ToDateTimeOffset(watermark) : null;

    /// <summary>The watermark of each signal (unix nanoseconds), or null before its first event.</summary>
    public (long? Spans, long? Edges, long? Metrics, long? Logs) Watermarks =>
        (_spans.Windows.Watermark, _edges.Windows.Watermark, _metrics.Windows.Watermark, _logs.Windows.Watermark);

    /// <summary>The key of the last window that closed for each closing signal, or null while none has.</summary>
    public (long? Spans, long? Metrics, long? Logs) LastClosedKeys =>
        (_spans.Windows.LastClosedKey, _metrics.Windows.LastClosedKey, _logs.Windows.LastClosedKey);

    private List<ClosedWindow> Closed => _closed ??= [];

    /// <summary>
    /// Counts every span in the totals; places spans by end time in the span windows, where late or future ones are
    /// only counted as <see cref="ServiceTotals.LateSpans"/>.
    /// </summary>
    public void AddSpans(ServiceSpanBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _spans.Add(batch, NowUnixNano(), _counters);
        _spans.TakeClosed(Closed);

        // A service that logs gets its operations as code-path steps too; one that never logged keeps no log windows.
        if (_templates.Count > 0)
        {
            int[] operationIds = Array.ConvertAll(batch.Operations, name => _spans.Operations.TryGetId(name, out int id) ? id : -1);
            _logs.AddSpanSteps(batch, operationIds, _chain ??= new SpanTemplateChain(), NowUnixNano());
            _logs.TakeClosed(Closed);
        }
    }

    /// <summary>The operation's name when a code-path step is an operation; null for a template.</summary>
    public string? OperationName(int step) =>
        TemplateTransition.IsOperation(step) ? _spans.Operations.NameOf(TemplateTransition.OperationId(step)) : null;

    /// <summary>What a code-path step is called: a template's text, or "span" and an operation's name.</summary>
    public string StepName(int step) => TemplateTransition.IsOperation(step)
        ? "span " + _spans.Operations.NameOf(TemplateTransition.OperationId(step))
        : _templates.Info(step).Text;

    /// <summary>
    /// Counts calls per callee in the totals and edge windows (late or future calls only in the totals); calls to
    /// callees beyond the limit are refused and counted in <see cref="RefusedEdgeCalls"/>.
    /// </summary>
    public void AddEdgeCalls(EdgeCall[] calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        _edges.Add(calls, NowUnixNano(), _counters);
    }

    /// <summary>
    /// Adds points per metric name and window. Points of names beyond the limit, and points the windows refuse
    /// (late or future), count as <see cref="ServiceTotals.RefusedMetricPoints"/>.
    /// </summary>
    public void AddMetrics(ServiceMetricBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _metrics.Add(batch, NowUnixNano(), _counters);
        _metrics.TakeClosed(Closed);
    }

    /// <summary>
    /// Gives each log record its template, and counts the records in the totals and, by severity and template, in
    /// the log window of their event time. Returns the template id of each record.
    /// </summary>
    public int[] AddLogs(ServiceLogBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var ids = new int[batch.Logs.Length];
        _templates.Learn(batch.Logs, ids);
        _logs.Add(batch, ids, _chain ??= new SpanTemplateChain(), NowUnixNano(), _counters);
        _logs.TakeClosed(Closed);
        return ids;
    }

    /// <summary>The service's log templates.</summary>
    public TemplateCatalog Templates => _templates;

    /// <summary>Records per template id over the log windows overlapping [from, to); null bounds mean everything retained.</summary>
    public Dictionary<int, long> TemplateCounts(DateTimeOffset? from, DateTimeOffset? to)
    {
        var counts = new Dictionary<int, long>();
        foreach (TimeWindow<LogWindow> window in _logs.Windows.Windows.Range(UnixNanos.FromOptional(from, long.MinValue), UnixNanos.FromOptional(to, long.MaxValue)))
        {
            foreach ((int id, long count) in window.Bucket.ByTemplate)
            {
                counts[id] = counts.GetValueOrDefault(id) + count;
            }
        }

        return counts;
    }

    /// <summary>Transitions (template A then B in one span) by packed key over the log windows overlapping [from, to).</summary>
    public Dictionary<long, long> TransitionCounts(DateTimeOffset from, DateTimeOffset to)
    {
        var counts = new Dictionary<long, long>();
        foreach (TimeWindow<LogWindow> window in _logs.Windows.Windows.Range(UnixNanos.FromDateTimeOffset(from), UnixNanos.FromDateTimeOffset(to)))
        {
            foreach ((long key, long count) in window.Bucket.ByTransition)
            {
                counts[key] = counts.GetValueOrDefault(key) + count;
            }
        }

        return counts;
    }

    /// <summary>The mean of each metric series' points in each metric window overlapping [from, to), by series name.</summary>
    public Dictionary<string, List<double>> MetricMeans(DateTimeOffset from, DateTimeOffset to)
    {
        var means = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (TimeWindow<MetricWindowSet> window in _metrics.Windows.Windows.Range(UnixNanos.FromDateTimeOffset(from), UnixNanos.FromDateTimeOffset(to)))
        {
            foreach ((int id, MetricWindowState state) in window.Bucket.Series)
            {
                if (state.Points > 0 && double.IsFinite(state.Sum))
                {
                    string name = _metrics.Series.NameOf(id);
                    (means.TryGetValue(name, out var list) ? list : means[name] = []).Add(state.Sum / state.Points);
                }
            }
        }

        return means;
    }

    /// <summary>True when a window of <paramref name="signal"/> that saw data has not closed yet.</summary>
    public bool HasOpenWindows(WindowSignal signal) => signal switch
    {
        WindowSignal.Spans => _spans.HasOpenWindows,
        WindowSignal.Metrics => _metrics.HasOpenWindows,
        _ => _logs.HasOpenWindows,
    };

    /// <summary>
    /// Closes the windows of a signal that went idle (nothing of it arrived for a while), up to and including the one
    /// holding its watermark, without waiting for a later event to pass them; they come out of
    /// <see cref="TakeClosedWindows"/> as any other. Returns how many closed.
    /// </summary>
    public int CloseIdle(WindowSignal signal)
    {
        int before = Closed.Count;
        switch (signal)
        {
            case WindowSignal.Spans:
                _spans.TakeIdle(Closed);
                break;
            case WindowSignal.Metrics:
                _metrics.TakeIdle(Closed);
                break;
            default:
                _logs.TakeIdle(Closed);
                break;
        }

        return Closed.Count - before;
    }

    /// <summary>The windows that closed since the last call, in the order they closed; each window is given once.</summary>
    public IReadOnlyList<ClosedWindow> TakeClosedWindows()
    {
        if (_closed is not { Count: > 0 } closed)
        {
            return [];
        }

        _closed = null;
        return closed;
    }

    /// <summary>
    /// The windows of every signal that can no longer change (they ended at or before the signal's watermark minus
    /// the allowed lateness) and that are not stored yet. A checkpoint stores them, then calls
    /// <see cref="MarkStored"/>, then writes this object, which no longer carries them.
    /// </summary>
    public SealedWindowBatch UnstoredWindows()
    {
        var windows = new List<SealedWindow>();
        var ranges = new List<WindowRange>(4);
        long?[] through =
        [
            _spans.Windows.CollectUnstored(WindowedSignal.Spans, windows, ranges),
            _edges.Windows.CollectUnstored(WindowedSignal.Edges, windows, ranges),
            _metrics.Windows.CollectUnstored(WindowedSignal.Metrics, windows, ranges),
            _logs.Windows.CollectUnstored(WindowedSignal.Logs, windows, ranges),
        ];
        return new SealedWindowBatch(windows, ranges, through);
    }

    /// <summary>
    /// Notes that the store now holds the batch's windows: they stay queryable here but leave this object's
    /// serialized state, which records how far the store reaches instead.
    /// </summary>
    public void MarkStored(SealedWindowBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _spans.Windows.MarkStored(batch.ThroughKeys[(int)WindowedSignal.Spans]);
        _edges.Windows.MarkStored(batch.ThroughKeys[(int)WindowedSignal.Edges]);
        _metrics.Windows.MarkStored(batch.ThroughKeys[(int)WindowedSignal.Metrics]);
        _logs.Windows.MarkStored(batch.ThroughKeys[(int)WindowedSignal.Logs]);
    }

    /// <summary>
    /// After a restore, puts back the windows read from the store. Those this state does not count as stored (newer
    /// than where its checkpoint says the store reaches, out of retention, or held already) are ignored. Returns how
    /// many were taken.
    /// </summary>
    public int RestoreStored(IEnumerable<SealedWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        int taken = 0;
        foreach (SealedWindow window in windows)
        {
            bool restored = window.Signal switch
            {
                WindowedSignal.Spans => _spans.Windows.RestoreStored(window),
                WindowedSignal.Edges => _edges.Windows.RestoreStored(window),
                WindowedSignal.Metrics => _metrics.Windows.RestoreStored(window),
                WindowedSignal.Logs => _logs.Windows.RestoreStored(window),
                _ => throw new InvalidDataException($"stored window of unknown signal {(short)window.Signal}"),
            };
            taken += restored ? 1 : 0;
        }

        return taken;
    }

    /// <summary>Where each signal's retained windows begin (signals without events are left out).</summary>
    public IReadOnlyList<WindowRetention> RetainedFrom()
    {
        var retained = new List<WindowRetention>(4);
        AddIfAny(retained, _spans.Windows.RetainedFrom(WindowedSignal.Spans));
        AddIfAny(retained, _edges.Windows.RetainedFrom(WindowedSignal.Edges));
        AddIfAny(retained, _metrics.Windows.RetainedFrom(WindowedSignal.Metrics));
        AddIfAny(retained, _logs.Windows.RetainedFrom(WindowedSignal.Logs));
        return retained;

        static void AddIfAny(List<WindowRetention> list, WindowRetention? retention)
        {
            if (retention is { } value)
            {
                list.Add(value);
            }
        }
    }

    /// <summary>Totals since first seen; rate, error ratio and latency over the last complete span window.</summary>
    public ServiceSummary Summary(string name) => ServiceSummaryView.Build(name, _spans, _counters);

    /// <summary>The service over the windows overlapping [from, to); null bounds mean everything retained.</summary>
    public ServiceDetail Detail(string name, DateTimeOffset? from, DateTimeOffset? to) =>
        ServiceDetailView.Build(name, from, to, new ServiceStatisticsParts(_counters, _spans, _edges, _metrics, _logs));

    /// <summary>Every edge: call totals since first seen, latency over all retained edge windows.</summary>
    public EdgeStats[] Downstream(string name) => DownstreamView.Build(name, _edges, long.MinValue, long.MaxValue);

    /// <summary>The span windows overlapping [from, to) in mergeable form, with their callees; null bounds mean everything retained.</summary>
    public WindowSnapshot[] Windows(DateTimeOffset? from, DateTimeOffset? to) =>
        WindowSnapshotView.Build(_spans, _edges, UnixNanos.FromOptional(from, long.MinValue), UnixNanos.FromOptional(to, long.MaxValue));

    /// <summary>
    /// p99 (ms) of the operation's span latency over the lookback before the span watermark, or null when the
    /// operation is unknown or had fewer than the minimum count of spans there.
    /// </summary>
    public double? OperationP99(string operation) => OperationP99View.Build(_spans, operation, _p99MinCount, _p99LookbackNanos);

    private long NowUnixNano() => UnixNanos.FromDateTimeOffset(_time.GetUtcNow());
}
