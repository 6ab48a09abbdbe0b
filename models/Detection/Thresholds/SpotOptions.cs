namespace OtlpGrains.Models.Detection.Thresholds;

/// <summary>
/// Parameters of the per-service adaptive threshold (<see cref="SpotThreshold"/>). The two risks are the two
/// severities: the probability that a window of the service's normal life scores above the threshold.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.SpotOptions")]
public sealed record SpotOptions
{
    /// <summary>Windows whose scores calibrate the initial threshold before any verdict. Default: 300.</summary>
    [Id(0)] public int CalibrationWindows { get; init; } = 300;

    /// <summary>Quantile of the calibration scores taken as the peak threshold t. Default: 0.95.</summary>
    [Id(1)] public double InitialQuantile { get; init; } = 0.95;

    /// <summary>
    /// Risk of a <c>warning</c>: about one normal window in 1/risk exceeds it. Default: 1e-3 (with 10 s windows,
    /// one false warning per ~2.8 hours of a service's worst normal behaviour; in practice fewer, since most
    /// services' scores are far below their peaks).
    /// </summary>
    [Id(2)] public double WarningRisk { get; init; } = 1e-3;

    /// <summary>Risk of a <c>critical</c> verdict. Default: 1e-5 (one normal window in 100,000: ~11.6 days of 10 s windows).</summary>
    [Id(3)] public double CriticalRisk { get; init; } = 1e-5;

    /// <summary>Most recent excesses over t kept for the fit (older ones are forgotten, so the fit follows drift). Default: 256.</summary>
    [Id(4)] public int MaxPeaks { get; init; } = 256;

    /// <summary>Excesses needed before the Pareto fit is trusted; before, the highest normal score so far is the bar. Default: 10.</summary>
    [Id(5)] public int MinPeaks { get; init; } = 10;

    /// <summary>The warning threshold never drops below this, so a service that always scores 0 does not page on noise. Default: 0.2.</summary>
    [Id(6)] public double MinimumWarning { get; init; } = 0.2;

    /// <summary>The critical threshold never drops below this. Default: 0.5.</summary>
    [Id(7)] public double MinimumCritical { get; init; } = 0.5;

    /// <summary>Neither threshold rises above this, so even the noisiest service pages on a near-certain anomaly. Default: 0.995.</summary>
    [Id(8)] public double MaximumThreshold { get; init; } = 0.995;

    /// <summary>The defaults.</summary>
    public static SpotOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> with one line naming the first bad value.</summary>
    public void Validate()
    {
        Require(CalibrationWindows is >= 20 and <= 100_000, $"CalibrationWindows must be in [20, 100000], got {CalibrationWindows}");
        Require(InitialQuantile is > 0.5 and < 1, $"InitialQuantile must be in (0.5, 1), got {InitialQuantile}");
        Require(WarningRisk is > 0 and < 0.5, $"WarningRisk must be in (0, 0.5), got {WarningRisk}");
        Require(CriticalRisk > 0 && CriticalRisk < WarningRisk, $"CriticalRisk must be in (0, WarningRisk), got {CriticalRisk}");
        Require(MaxPeaks is >= 10 and <= 100_000, $"MaxPeaks must be in [10, 100000], got {MaxPeaks}");
        Require(MinPeaks >= 3 && MinPeaks <= MaxPeaks, $"MinPeaks must be in [3, MaxPeaks], got {MinPeaks}");
        Require(MinimumWarning is >= 0 and < 1, $"MinimumWarning must be in [0, 1), got {MinimumWarning}");
        Require(MinimumCritical >= MinimumWarning && MinimumCritical < 1, $"MinimumCritical must be in [MinimumWarning, 1), got {MinimumCritical}");
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
