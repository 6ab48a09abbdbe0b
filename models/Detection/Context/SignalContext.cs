namespace OtlpGrains.Models.Detection.Context;

/// <summary>
/// The contextual memory of one signal, in the spirit of the Contextual Anomaly Detector (CAD OSE): its recent values,
/// the range it has seen, and its contexts at one or more resolutions (<see cref="BinnedContext"/>), whose novelties
/// are averaged. The range is learned, not given: after a warm-up its minimum and maximum set the bins, and a value
/// outside it is judged against the old bins (a bin never seen) before the range grows by it, the bins are recut and
/// the recent values relearned, so that what was normal stays normal at the new resolution. Several resolutions see
/// coarse and fine departures alike, and their mean grades novelty more finely than one can.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.context.SignalContext")]
public sealed class SignalContext : INoveltySignal<ContextOptions>
{
    [Id(0)] private readonly double[] _recent;
    [Id(1)] private int _recentCount;
    [Id(2)] private int _recentNext;
    [Id(3)] private double _low;
    [Id(4)] private double _high;
    [Id(5)] private bool _ready;
    [Id(6)] private readonly BinnedContext[] _levels;

    public SignalContext(ContextOptions options)
    {
        _recent = new double[options.HistoryWindows];
        _levels = [.. options.ResolutionBins().Select(bins => new BinnedContext(bins, options))];
    }

    /// <summary>Whether the bins are set (the warm-up is over).</summary>
    public bool Ready => _ready;

    /// <summary>The bins of each resolution.</summary>
    public IEnumerable<int> Bins => _levels.Select(l => l.Bins);

    /// <summary>
    /// The mean novelty over the resolutions of <paramref name="value"/>, in [0, 1], after rest and direction (NaN
    /// while warming up or when the value is missing), then learns it. With <see cref="SignalDirection.Up"/> only a
    /// bin above the median of the recent ones can alarm.
    /// </summary>
    public double Observe(double value, SignalDirection direction, ContextOptions options)
    {
        if (!double.IsFinite(value))
        {
            return double.NaN;
        }

        Remember(value);
        if (!_ready)
        {
            if (_recentCount >= options.WarmUpWindows)
            {
                Recut();
            }

            return double.NaN;
        }

        bool outside = value < _low || value > _high;
        double sum = 0;
        foreach (BinnedContext level in _levels)
        {
            sum += level.Judge(value, _low, _high, direction, learn: !outside, options);
        }

        if (outside)
        {
            Recut();
        }

        return sum / _levels.Length;
    }

    private void Remember(double value)
    {
        _recent[_recentNext] = value;
        _recentNext = (_recentNext + 1) % _recent.Length;
        _recentCount = Math.Min(_recentCount + 1, _recent.Length);
    }

    // The range seen so far (it never shrinks) takes in the recent values; every resolution relearns them, oldest first.
    private void Recut()
    {
        var ordered = new double[_recentCount];
        int oldest = (_recentNext - _recentCount + _recent.Length) % _recent.Length;
        for (int i = 0; i < _recentCount; i++)
        {
            ordered[i] = _recent[(oldest + i) % _recent.Length];
        }

        _low = _ready ? Math.Min(_low, ordered.Min()) : ordered.Min();
        _high = _ready ? Math.Max(_high, ordered.Max()) : ordered.Max();
        _ready = true;
        foreach (BinnedContext level in _levels)
        {
            level.Recut(_low, _high, ordered);
        }
    }
}
