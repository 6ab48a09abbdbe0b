namespace OtlpGrains.Models.Detection.Thresholds;

/// <summary>
/// Streaming peaks-over-threshold (SPOT) on one service's anomaly scores, calibrated on a sliding history. The
/// service's recent normal scores (the last <see cref="SpotOptions.HistoryWindows"/>) give a peak threshold t (a high
/// quantile); their excesses over t are fitted with a generalized Pareto distribution, whose quantiles at the two
/// risks are the warning and critical thresholds. The fit is redone every
/// <see cref="SpotOptions.RecalibrationWindows"/> normal windows, so a noisy service's thresholds rise until it stops
/// paging, a quiet service's stay low enough to catch a modest score, and both follow the service when its life
/// changes (a fixed t, as in the original SPOT, would keep a start-up transient's thresholds for ever). Scores judged
/// anomalous are not learned. Bounded: one ring of scores, each kept in 16 bits (steps of 1.5e-5 on [0, 1]: a service
/// holds one ring per signal, see <see cref="SignalThresholds"/>, and most normal scores are 0, a single byte in the
/// serializer's varints).
/// </summary>
[GenerateSerializer, Alias("otlpgrains.thresholds.SpotThreshold")]
public sealed class SpotThreshold
{
    [Id(7)] private ushort[] _history = [];
    [Id(1)] private int _next;
    [Id(2)] private int _count;
    [Id(3)] private int _sinceCalibration;
    [Id(4)] private double _peakThreshold = double.NaN;
    [Id(5)] private double _warning = double.NaN;
    [Id(6)] private double _critical = double.NaN;
    [Id(8)] private int _seen;

    // Working space for the refit's sorted copy; not part of the state (no [Id]), so a restored state allocates anew.
    [NonSerialized]
    private double[]? _sorted;

    /// <summary>True once verdicts are given (after <see cref="SpotOptions.ProvisionalWindows"/> scores).</summary>
    public bool IsCalibrated => !double.IsNaN(_peakThreshold);

    /// <summary>The warning threshold in force (NaN while calibrating).</summary>
    public double Warning => _warning;

    /// <summary>The critical threshold in force (NaN while calibrating).</summary>
    public double Critical => _critical;

    /// <summary>The peak threshold t the excesses are measured from (NaN while calibrating).</summary>
    public double PeakThreshold => _peakThreshold;

    /// <summary>
    /// Judges one window's score against the thresholds in force (none before <see cref="SpotOptions.ProvisionalWindows"/>
    /// scores), then learns it: always while calibrating, afterwards only when it was normal.
    /// </summary>
    public AnomalySeverity Observe(double score, SpotOptions options)
    {
        if (!double.IsFinite(score))
        {
            return AnomalySeverity.None;
        }

        AnomalySeverity severity = !IsCalibrated ? AnomalySeverity.None
            : score > _critical ? AnomalySeverity.Critical
            : score > _warning ? AnomalySeverity.Warning
            : AnomalySeverity.None;
        bool calibrating = _seen < options.CalibrationWindows;
        if (severity != AnomalySeverity.None && !calibrating)
        {
            return severity;
        }

        if (_history.Length != options.HistoryWindows)
        {
            _history = new ushort[options.HistoryWindows];
            _next = 0;
            _count = 0;
        }

        _history[_next] = (ushort)Math.Round(Math.Clamp(score, 0, 1) * ushort.MaxValue);
        _next = (_next + 1) % _history.Length;
        _count = Math.Min(_count + 1, _history.Length);
        _seen = Math.Min(_seen + 1, int.MaxValue);
        _sinceCalibration++;
        if (IsCalibrated ? _sinceCalibration >= options.RecalibrationWindows : _count >= options.ProvisionalWindows)
        {
            Calibrate(options);
        }

        return severity;
    }

    private void Calibrate(SpotOptions options)
    {
        _sinceCalibration = 0;
        if (_sorted?.Length != _history.Length)
        {
            _sorted = new double[_history.Length];
        }

        Span<double> sorted = _sorted.AsSpan(0, _count);
        for (int i = 0; i < _count; i++)
        {
            sorted[i] = _history[i] / (double)ushort.MaxValue;
        }

        sorted.Sort();
        double t = sorted[Math.Min(_count - 1, (int)(options.PeakQuantile * _count))];
        int peaks = 0;
        while (peaks < _count && sorted[_count - 1 - peaks] > t)
        {
            peaks++;
        }

        Span<double> excesses = sorted[(_count - peaks)..];
        for (int i = 0; i < excesses.Length; i++)
        {
            excesses[i] -= t;
        }

        GeneralizedPareto? fit = peaks >= options.MinPeaks ? GeneralizedPareto.FitMoments(excesses) : null;
        double peakRate = (double)peaks / _count;

        // Too few peaks to fit a tail: the highest normal score in the history is the bar.
        double highest = peaks > 0 ? t + excesses[^1] : t;
        double warning = fit?.Quantile(t, options.WarningRisk, peakRate) ?? highest;
        double critical = fit?.Quantile(t, options.CriticalRisk, peakRate) ?? highest;
        _peakThreshold = t;
        _warning = Math.Clamp(warning, options.MinimumWarning, options.MaximumThreshold);
        _critical = Math.Clamp(Math.Max(critical, _warning), options.MinimumCritical, options.MaximumThreshold);
    }
}
