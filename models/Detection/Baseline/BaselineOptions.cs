using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection.Baseline;

/// <summary>
/// The parameters of a streaming baseline. One set serves every service (and the whole NAB corpus); the artifact of a
/// <c>baseline</c> model is these values plus its <see cref="FeatureSchema"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.BaselineOptions")]
public sealed record BaselineOptions : ISignalModelOptions
{
    /// <summary>Recent windows kept per signal for the robust level and scales. Default: 64.</summary>
    [Id(0)] public int RecentWindows { get; init; } = 64;

    /// <summary>Windows a signal must have seen before it is scored (NaN before); scales from fewer are too rough. Default: 32.</summary>
    [Id(1)] public int WarmUpWindows { get; init; } = 32;

    /// <summary>Windows whose median the level-shift test compares with the older recent windows. Default: 6.</summary>
    [Id(2)] public int ShortWindows { get; init; } = 6;

    /// <summary>Time-of-day bins of the seasonal profile; 0 turns seasonality off. Default: 48 (half-hours).</summary>
    [Id(3)] public int SeasonBins { get; init; } = 48;

    /// <summary>Days of history before the seasonal profile may replace the recent level. Default: 3.</summary>
    [Id(4)] public double SeasonMinDays { get; init; } = 3;

    /// <summary>
    /// Half-life, in windows, of the memory of recent surprise: a window only scores what exceeds it, so an incident
    /// alarms once at its onset instead of on every window. Default: 50.
    /// </summary>
    [Id(5)] public double SuppressionHalfLife { get; init; } = 50;

    /// <summary>The surprise (in nats, -ln of a tail probability) that maps to a score of 0.5. Default: 13.8 (p = 1e-6).</summary>
    [Id(6)] public double HalfScoreSurprise { get; init; } = 13.8;

    /// <summary>
    /// Half-life, in windows, of the memory of the roughest windows of a signal's normal life. Default: 300.
    /// </summary>
    [Id(8)] public double RoughnessHalfLife { get; init; } = 300;

    /// <summary>
    /// How many times the remembered roughness a window's surprise must exceed before it counts: a spiky signal
    /// needs a far spikier window to alarm, a calm one does not. Default: 2.
    /// </summary>
    [Id(9)] public double RoughnessWeight { get; init; } = 2;

    /// <summary>
    /// How many times the largest departure from its level that a signal made lately (in its own units, remembered with
    /// <see cref="RoughnessHalfLife"/>) a window must exceed before it counts; 0 turns this off. The memory in nats
    /// (<see cref="RoughnessWeight"/>) is measured at the scale of its day, and a signal that is flat between regular
    /// bursts learns a shrinking scale, so that each burst is more surprising than the last and pages every time; in the
    /// signal's units a burst no larger than the recent ones is no news, whatever the scale does. Default: 0 (off).
    /// </summary>
    [Id(14)] public double RoughnessDeviationWeight { get; init; }

    /// <summary>Surprise, in nats, of a value one range-width outside the range seen so far. Default: 100.</summary>
    [Id(10)] public double NoveltyWeight { get; init; } = 100;

    /// <summary>Windows that only learn the range before values outside it count as novel. Default: 30.</summary>
    [Id(11)] public int NoveltyWarmUpWindows { get; init; } = 30;

    /// <summary>Days of event time that only learn the range (besides <see cref="NoveltyWarmUpWindows"/>). Default: 1.</summary>
    [Id(13)] public double NoveltyWarmUpDays { get; init; } = 1;

    /// <summary>Half-life, in windows, with which the range seen so far shrinks toward the recent level. Default: 100,000.</summary>
    [Id(12)] public double RangeHalfLife { get; init; } = 100_000;

    /// <summary>Most signals a state follows; values past it are ignored (their score is NaN). Default: 32.</summary>
    [Id(7)] public int MaxSignals { get; init; } = 32;

    /// <summary>The defaults: the configuration every service gets.</summary>
    public static BaselineOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> with one line naming the first bad value.</summary>
    public void Validate()
    {
        Require(RecentWindows is >= 8 and <= 1024, $"RecentWindows must be in [8, 1024], got {RecentWindows}");
        Require(WarmUpWindows >= 3 && WarmUpWindows <= RecentWindows, $"WarmUpWindows must be in [3, RecentWindows], got {WarmUpWindows}");
        Require(ShortWindows >= 2 && ShortWindows <= WarmUpWindows / 2 + 1, $"ShortWindows must be in [2, WarmUpWindows/2+1], got {ShortWindows}");
        Require(SeasonBins is >= 0 and <= 1440, $"SeasonBins must be in [0, 1440], got {SeasonBins}");
        Require(SeasonMinDays is >= 1 and <= 365, $"SeasonMinDays must be in [1, 365], got {SeasonMinDays}");
        Require(SuppressionHalfLife is > 0 and <= 1e6, $"SuppressionHalfLife must be in (0, 1e6], got {SuppressionHalfLife}");
        Require(HalfScoreSurprise is > 0 and <= 1000, $"HalfScoreSurprise must be in (0, 1000], got {HalfScoreSurprise}");
        Require(RoughnessHalfLife is > 0 and <= 1e9, $"RoughnessHalfLife must be in (0, 1e9], got {RoughnessHalfLife}");
        Require(RoughnessWeight is >= 0 and <= 100, $"RoughnessWeight must be in [0, 100], got {RoughnessWeight}");
        Require(RoughnessDeviationWeight is >= 0 and <= 100, $"RoughnessDeviationWeight must be in [0, 100], got {RoughnessDeviationWeight}");
        Require(NoveltyWeight is >= 0 and <= 1e6, $"NoveltyWeight must be in [0, 1e6], got {NoveltyWeight}");
        Require(NoveltyWarmUpWindows is >= 1 and <= 1_000_000, $"NoveltyWarmUpWindows must be in [1, 1e6], got {NoveltyWarmUpWindows}");
        Require(NoveltyWarmUpDays is >= 0 and <= 365, $"NoveltyWarmUpDays must be in [0, 365], got {NoveltyWarmUpDays}");
        Require(RangeHalfLife is > 0 and <= 1e12, $"RangeHalfLife must be in (0, 1e12], got {RangeHalfLife}");
        Require(MaxSignals is >= 1 and <= 256, $"MaxSignals must be in [1, 256], got {MaxSignals}");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
