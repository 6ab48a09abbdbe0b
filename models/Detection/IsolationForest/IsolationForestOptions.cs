using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection.IsolationForest;

/// <summary>
/// The parameters of an isolation forest detector; with the <see cref="FeatureSchema"/> they are the whole artifact
/// of an <c>iforest</c> model (each service grows its own trees from its own normal windows).
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.IsolationForestOptions")]
public sealed record IsolationForestOptions : ISignalModelOptions
{
    /// <summary>Trees in the forest. Default: 32.</summary>
    [Id(0)] public int Trees { get; init; } = 32;

    /// <summary>Windows drawn from the reservoir to grow each tree (the tree's height limit is log2 of it). Default: 128.</summary>
    [Id(1)] public int SampleSize { get; init; } = 128;

    /// <summary>Recent normal windows kept to grow the forest from. Default: 512.</summary>
    [Id(2)] public int ReservoirSize { get; init; } = 512;

    /// <summary>Windows between two regrowths of the forest. Default: 64.</summary>
    [Id(3)] public int RefreshWindows { get; init; } = 64;

    /// <summary>
    /// Windows that only fill the reservoir before the first forest grows (scores are NaN before). Default: 288 (a day of
    /// 5-minute windows, 48 minutes of 10 s ones): a forest grown from a few dozen windows calls most of the next
    /// ones anomalous, keeps them out of its reservoir, and takes long to recover.
    /// </summary>
    [Id(4)] public int WarmUpWindows { get; init; } = 288;

    /// <summary>
    /// Windows whose surprise (nats, before suppression) is below this count as normal: they enter the reservoir and
    /// the running statistics of raw scores. Default: 9 (about a one-in-10,000 window).
    /// </summary>
    [Id(5)] public double NormalSurprise { get; init; } = 9;

    /// <summary>Previous windows whose mean each value is compared with (the lag embedding). Default: 6.</summary>
    [Id(6)] public int Lags { get; init; } = 6;

    /// <summary>Seed of the state's random generator: the same seed and windows grow the same trees. Default: 8.</summary>
    [Id(7)] public ulong Seed { get; init; } = 8;

    /// <summary>
    /// Half-life, in windows, of the memory of recent isolation scores; a window reports only what exceeds it, so an
    /// incident alarms at its onset. Default: 50.
    /// </summary>
    [Id(8)] public double SuppressionHalfLife { get; init; } = 50;

    /// <summary>The surprise (nats) that maps to a score of 0.5, as in the baseline. Default: 13.8.</summary>
    [Id(10)] public double HalfScoreSurprise { get; init; } = 13.8;

    /// <summary>Most signals followed; later values are ignored. Default: 16.</summary>
    [Id(9)] public int MaxSignals { get; init; } = 16;

    /// <summary>The defaults.</summary>
    public static IsolationForestOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> with one line naming the first bad value.</summary>
    public void Validate()
    {
        Require(Trees is >= 1 and <= 512, $"Trees must be in [1, 512], got {Trees}");
        Require(SampleSize is >= 4 and <= 1024, $"SampleSize must be in [4, 1024], got {SampleSize}");
        Require(ReservoirSize >= SampleSize && ReservoirSize <= 16_384, $"ReservoirSize must be in [SampleSize, 16384], got {ReservoirSize}");
        Require(RefreshWindows is >= 1 and <= 1_000_000, $"RefreshWindows must be in [1, 1e6], got {RefreshWindows}");
        Require(WarmUpWindows >= 8 && WarmUpWindows <= ReservoirSize, $"WarmUpWindows must be in [8, ReservoirSize], got {WarmUpWindows}");
        Require(NormalSurprise is > 0 and <= 1000, $"NormalSurprise must be in (0, 1000], got {NormalSurprise}");
        Require(Lags is >= 1 and <= 64, $"Lags must be in [1, 64], got {Lags}");
        Require(SuppressionHalfLife is > 0 and <= 1e6, $"SuppressionHalfLife must be in (0, 1e6], got {SuppressionHalfLife}");
        Require(HalfScoreSurprise is > 0 and <= 1000, $"HalfScoreSurprise must be in (0, 1000], got {HalfScoreSurprise}");
        Require(MaxSignals is >= 1 and <= 64, $"MaxSignals must be in [1, 64], got {MaxSignals}");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
