namespace OtlpGrains.Models.Detection.Thresholds;

/// <summary>
/// Parameters of the per-service adaptive threshold (<see cref="SpotThreshold"/>). The two risks are the two
/// severities: the probability that a window of the service's normal life scores above the threshold.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.SpotOptions")]
public sealed record SpotOptions
{
    /// <summary>
    /// Scores the history must hold before its thresholds count as calibrated. Until then every score is learned,
    /// even one judged anomalous, so that a bar fitted early on too few scores cannot stay too low by refusing the
    /// rough scores that would raise it. Default: 500.
    /// </summary>
    [Id(0)] public int CalibrationWindows { get; init; } = 500;

    /// <summary>
    /// Scores seen before the first, provisional verdict (refitted every <see cref="RecalibrationWindows"/> while
    /// calibrating). Default: 100 (about 17 minutes of 10 s windows), so a new service is judged long before its
    /// thresholds have settled.
    /// </summary>
    [Id(11)] public int ProvisionalWindows { get; init; } = 100;

    /// <summary>Quantile of the history's scores taken as the peak threshold t. Default: 0.95.</summary>
    [Id(1)] public double PeakQuantile { get; init; } = 0.95;

    /// <summary>
    /// Risk of a <c>warning</c>: about one normal window in 1/risk exceeds it. Default: 1e-4 (with 10 s windows,
    /// at most about one false warning a day per service).
    /// </summary>
    [Id(2)] public double WarningRisk { get; init; } = 1e-4;

    /// <summary>Risk of a <c>critical</c> verdict, the one that pages. Default: 1e-6 (one normal window in a million: about
    /// four months of 10 s windows).</summary>
    [Id(3)] public double CriticalRisk { get; init; } = 1e-6;

    /// <summary>Recent normal scores the fit is made from. Default: 2000.</summary>
    [Id(4)] public int HistoryWindows { get; init; } = 2000;

    /// <summary>Normal windows between two fits. Default: 50.</summary>
    [Id(9)] public int RecalibrationWindows { get; init; } = 50;

    /// <summary>Excesses needed before the Pareto fit is trusted; with fewer, the highest normal score in the history is the bar. Default: 10.</summary>
    [Id(5)] public int MinPeaks { get; init; } = 10;

    /// <summary>The warning threshold never drops below this, so a service that always scores 0 does not page on noise. Default: 0.5.</summary>
    [Id(6)] public double MinimumWarning { get; init; } = 0.5;

    /// <summary>The critical threshold never drops below this. Default: 0.75.</summary>
    [Id(7)] public double MinimumCritical { get; init; } = 0.75;

    /// <summary>Neither threshold rises above this, so even the noisiest service pages on a near-certain anomaly. Default: 0.995.</summary>
    [Id(8)] public double MaximumThreshold { get; init; } = 0.995;

    /// <summary>
    /// Windows an anomaly is held open after its onset while its signals stay away from their levels (see
    /// <see cref="AnomalyHold"/>); 0 holds none. Default: 360 (an hour of 10 s windows).
    /// </summary>
    [Id(10)] public int HoldWindows { get; init; } = 360;

    /// <summary>The defaults.</summary>
    public static SpotOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> with one line naming the first bad value.</summary>
    public void Validate()
    {
        Require(HistoryWindows is >= 20 and <= 100_000, $"HistoryWindows must be in [20, 100000], got {HistoryWindows}");
        Require(CalibrationWindows >= 20 && CalibrationWindows <= HistoryWindows, $"CalibrationWindows must be in [20, HistoryWindows], got {CalibrationWindows}");
        Require(ProvisionalWindows >= 20 && ProvisionalWindows <= CalibrationWindows, $"ProvisionalWindows must be in [20, CalibrationWindows], got {ProvisionalWindows}");
        Require(RecalibrationWindows >= 1 && RecalibrationWindows <= HistoryWindows, $"RecalibrationWindows must be in [1, HistoryWindows], got {RecalibrationWindows}");
        Require(PeakQuantile is > 0.5 and < 1, $"PeakQuantile must be in (0.5, 1), got {PeakQuantile}");
        Require(WarningRisk is > 0 and < 0.5, $"WarningRisk must be in (0, 0.5), got {WarningRisk}");
        Require(CriticalRisk > 0 && CriticalRisk < WarningRisk, $"CriticalRisk must be in (0, WarningRisk), got {CriticalRisk}");
        Require(MinPeaks >= 3 && MinPeaks <= HistoryWindows, $"MinPeaks must be in [3, HistoryWindows], got {MinPeaks}");
        Require(MinimumWarning is >= 0 and < 1, $"MinimumWarning must be in [0, 1), got {MinimumWarning}");
        Require(MinimumCritical >= MinimumWarning && MinimumCritical < 1, $"MinimumCritical must be in [MinimumWarning, 1), got {MinimumCritical}");
        Require(HoldWindows is >= 0 and <= 1_000_000, $"HoldWindows must be in [0, 1000000], got {HoldWindows}");
        Require(MaximumThreshold > MinimumCritical && MaximumThreshold <= 1, $"MaximumThreshold must be in (MinimumCritical, 1], got {MaximumThreshold}");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
