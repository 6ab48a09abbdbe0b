using System.Runtime.InteropServices;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>
/// A service's OTLP metric series: windows of their points per series, and the window-close features, one value
/// per known series in series-id order.
/// </summary>
/// <remarks>
/// The value of a series in a closed window depends on its type. A gauge gives its last value: it is a reading, and
/// the latest one is the current state; a utilisation gauge (<see cref="Utilization"/>) gives its highest, since the
/// instances of a service report under one name and the busiest one is where work queues. A sum gives the sum of its points' values: for delta temporality that is
/// the window's increase (the points do not say their temporality; a cumulative sum gives a running total, whose
/// climb a detector sees as a trend). A histogram, exponential histogram or summary gives its mean (the points'
/// sums over their counts), the one value its points carry exactly. A series without points in the window gives NaN.
/// </remarks>
[GenerateSerializer, Alias("otlpgrains.MetricSignal")]
internal sealed class MetricSignal
{
    private const int StackIdLimit = 128;

    [Id(0)]
    private readonly SignalWindows<MetricWindowSet> _windows;

    [Id(1)]
    private readonly CappedNameTable _series;

    // Indexed by series id; from the latest point, should a producer change the type of a name.
    [Id(2)]
    private readonly List<MetricKind> _kinds = [];

    public MetricSignal(ServiceWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _windows = new SignalWindows<MetricWindowSet>(options);
        _series = new CappedNameTable(options.MaxMetricSeries);
    }

    public SignalWindows<MetricWindowSet> Windows => _windows;

    public CappedNameTable Series => _series;

    public MetricKind KindOf(int id) => _kinds[id];

    /// <summary>
    /// Adds points per series and window. Points of names beyond the limit, and points the windows refuse (late or
    /// future), count as refused in <paramref name="counters"/>.
    /// </summary>
    public void Add(ServiceMetricBatch batch, long nowUnixNano, ServiceCounters counters)
    {
        string[] names = batch.Names;
        Span<int> seriesIds = names.Length <= StackIdLimit ? stackalloc int[names.Length] : new int[names.Length];
        seriesIds.Fill(int.MinValue); // resolved on first use, so a name whose points are all absent takes no slot
        foreach (ref readonly MetricPoint point in batch.Points.AsSpan())
        {
            counters.CountMetricPoint();
            if ((uint)point.Name >= (uint)seriesIds.Length)
            {
                counters.CountRefusedMetricPoint();
                continue;
            }

            ref int id = ref seriesIds[point.Name];
            if (id == int.MinValue)
            {
                id = SeriesId(names[point.Name], point.Kind);
            }

            MetricWindowSet? window = id < 0 ? null : _windows.Place(point.TimeUnixNano, nowUnixNano);
            if (window is null)
            {
                counters.CountRefusedMetricPoint();
                continue;
            }

            _kinds[id] = point.Kind;
            ref MetricWindowState? state = ref CollectionsMarshal.GetValueRefOrAddDefault(window.Series, id, out _);
            state ??= new MetricWindowState();
            state.Add(point);
        }
    }

    /// <summary>Appends the windows that closed, one value per series known at the close (see the remarks).</summary>
    public void TakeClosed(List<ClosedWindow> closed) => Describe(_windows.TakeClosed(), closed);

    /// <summary>For metrics that went idle: their windows through the watermark's, as <see cref="TakeClosed"/> gives them.</summary>
    public void TakeIdle(List<ClosedWindow> closed) => Describe(_windows.TakeIdle(), closed);

    /// <summary>True when a window holding points has not closed.</summary>
    public bool HasOpenWindows => _windows.HasOpenWindows;

    private void Describe(List<TimeWindow<MetricWindowSet>> windows, List<ClosedWindow> closed)
    {
        if (windows.Count == 0)
        {
            return;
        }

        string[] names = new string[_series.Count];
        for (int id = 0; id < names.Length; id++)
        {
            names[id] = _series.NameOf(id);
        }

        foreach (TimeWindow<MetricWindowSet> window in windows)
        {
            double[] features = new double[names.Length];
            for (int id = 0; id < features.Length; id++)
            {
                features[id] = window.Bucket.Series.TryGetValue(id, out MetricWindowState? state) ? ValueOf(_kinds[id], state, names[id]) : double.NaN;
            }

            closed.Add(new ClosedWindow(WindowSignal.Metrics, window.StartUnixNano, window.EndUnixNano, names, features));
        }
    }

    private static double ValueOf(MetricKind kind, MetricWindowState state, string name) => kind switch
    {
        MetricKind.Gauge => Utilization.IsUtilization(name) ? state.Max : state.Last,
        MetricKind.Sum => state.Sum,
        _ => state.Count > 0 ? state.Sum / state.Count : double.NaN,
    };

    // -1 when the name is new and the service already has the most series it may keep.
    private int SeriesId(string name, MetricKind kind)
    {
        int id = _series.GetOrAdd(name);
        if (id == _kinds.Count)
        {
            _kinds.Add(kind);
        }

        return id;
    }
}
