namespace OtlpGrains.Models.Detection.Thresholds;

/// <summary>
/// Streaming peaks-over-threshold (SPOT) on one service's anomaly scores. The first
/// <see cref="SpotOptions.CalibrationWindows"/> scores set a peak threshold t (a high quantile); the excesses of
/// normal scores over t are fitted with a generalized Pareto distribution, whose quantiles at the two risks are the
/// warning and critical thresholds. Every normal peak refits them, so a noisy service's thresholds rise until it
/// stops paging, and a quiet service's stay low enough to catch a modest score. Scores judged anomalous are not
/// learned. Bounded: the calibration buffer is dropped once used, and only the latest
/// <see cref="SpotOptions.MaxPeaks"/> excesses are kept.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.thresholds.SpotThreshold")]
public sealed class SpotThreshold
{
    // The peak rate is averaged over at most this many windows, so it follows a change of the service's life.
    private const int PeakRateMemory = 10_000;

    [Id(0)] private double[] _calibration = [];
    [Id(1)] private int _calibrated;
    [Id(2)] private double _peakThreshold = double.NaN;
    [Id(3)] private double[] _peaks = [];
    [Id(4)] private int _peakNext;
    [Id(5)] private int _peakCount;
    [Id(6)] private double _peakRate;
    [Id(7)] private double _highestNormal;
    [Id(8)] private double _warning = double.NaN;
    [Id(9)] private double _critical = double.NaN;
    [Id(10)] private long _normals;

    /// <summary>True once the calibration windows have been seen and verdicts are given.</summary>
    public bool IsCalibrated => !double.IsNaN(_peakThreshold);

    /// <summary>The warning threshold in force (NaN while calibrating).</summary>
    public double Warning => _warning;

    /// <summary>The critical threshold in force (NaN while calibrating).</summary>
    public double Critical => _critical;

    /// <summary>The peak threshold t the excesses are measured from (NaN while calibrating).</summary>
    public double PeakThreshold => _peakThreshold;

    /// <summary>Judges one window's score against the thresholds in force, then learns it if it was normal.</summary>
    public AnomalySeverity Observe(double score, SpotOptions options)
    {
        if (!double.IsFinite(score))
        {
            return AnomalySeverity.None;
        }

        if (!IsCalibrated)
        {
            Calibrate(score, options);
            return AnomalySeverity.None;
        }

        AnomalySeverity severity = score > _critical ? AnomalySeverity.Critical
            : score > _warning ? AnomalySeverity.Warning
            : AnomalySeverity.None;
        if (severity != AnomalySeverity.None)
        {
            return severity;
        }

        _normals++;
        bool peak = score > _peakThreshold;
        _peakRate += ((peak ? 1.0 : 0.0) - _peakRate) / Math.Min(_normals, PeakRateMemory);
        if (peak)
        {
            AddPeak(score - _peakThreshold);
            _highestNormal = Math.Max(_highestNormal, score);
            Refit(options);
        }

        return AnomalySeverity.None;
    }

    private void Calibrate(double score, SpotOptions options)
    {
        if (_calibration.Length == 0)
        {
            _calibration = new double[options.CalibrationWindows];
        }

        _calibration[_calibrated++] = score;
        if (_calibrated < _calibration.Length)
        {
            return;
        }

        Array.Sort(_calibration);
        _peakThreshold = _calibration[Math.Min(_calibration.Length - 1, (int)(options.InitialQuantile * _calibration.Length))];
        _peaks = new double[options.MaxPeaks];
        int peaks = 0;
        foreach (double s in _calibration)
        {
            if (s > _peakThreshold)
            {
                AddPeak(s - _peakThreshold);
                peaks++;
            }
        }

        _normals = _calibration.Length;
        _peakRate = (double)peaks / _calibration.Length;
        _highestNormal = _calibration[^1];
        _calibration = [];
        Refit(options);
    }

    private void AddPeak(double excess)
    {
        _peaks[_peakNext] = excess;
        _peakNext = (_peakNext + 1) % _peaks.Length;
        _peakCount = Math.Min(_peakCount + 1, _peaks.Length);
    }

    private void Refit(SpotOptions options)
    {
        GeneralizedPareto? fit = _peakCount >= options.MinPeaks ? GeneralizedPareto.FitMoments(_peaks.AsSpan(0, _peakCount)) : null;

        // Too few peaks to fit a tail: nothing above the highest normal score seen so far is a normal score yet.
        double warning = fit?.Quantile(_peakThreshold, options.WarningRisk, _peakRate) ?? _highestNormal;
        double critical = fit?.Quantile(_peakThreshold, options.CriticalRisk, _peakRate) ?? _highestNormal;
        _warning = Math.Clamp(warning, options.MinimumWarning, options.MaximumThreshold);
        _critical = Math.Clamp(Math.Max(critical, _warning), options.MinimumCritical, options.MaximumThreshold);
    }
}
