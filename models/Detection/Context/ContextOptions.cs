using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection.Context;

/// <summary>
/// The parameters of a contextual detector. One set serves every service (and the whole NAB corpus); the artifact of a
/// <c>context</c> model is these values plus its <see cref="FeatureSchema"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ContextOptions")]
public sealed record ContextOptions : ISignalModelOptions
{
    /// <summary>
    /// Windows a signal only collects before its bins are set: their range, divided into <see cref="Bins"/>, gives the
    /// first bins (recut whenever the range grows), and they are then learned as the first contexts. Default: 150.
    /// </summary>
    [Id(0)] public int WarmUpWindows { get; init; } = 150;

    /// <summary>Bins across the range seen so far (the middle resolution's, with several). Default: 8.</summary>
    [Id(1)] public int Bins { get; init; } = 8;

    /// <summary>Longest context: how many previous bins the longest pattern holds. Default: 4.</summary>
    [Id(2)] public int MaxOrder { get; init; } = 4;

    /// <summary>Slots of each context table (one per signal and resolution; a power of two); 12 bytes each. Default: 2048.</summary>
    [Id(3)] public int TableCapacity { get; init; } = 2048;

    /// <summary>A raw novelty at or above this alarms and starts a rest. Default: 0.75.</summary>
    [Id(4)] public double AlarmNovelty { get; init; } = 0.75;

    /// <summary>
    /// Windows after an alarm during which the signal scores 0 (it keeps learning): an incident is reported at its
    /// onset, not on every window of it. Default: 100.
    /// </summary>
    [Id(5)] public int RestWindows { get; init; } = 100;

    /// <summary>Recent values kept to relearn the contexts when the range grows and the bins are recut. Default: 2048.</summary>
    [Id(7)] public int HistoryWindows { get; init; } = 2048;

    /// <summary>
    /// Resolutions whose novelties are averaged: <see cref="Bins"/> times <see cref="ResolutionStep"/> to the powers
    /// −(n−1)/2 ... (n−1)/2, rounded (with 3 and the defaults: 5, 8 and 12 bins). Default: 1.
    /// </summary>
    [Id(8)] public int Resolutions { get; init; } = 1;

    /// <summary>Factor between the bins of neighbouring resolutions. Default: 1.5.</summary>
    [Id(9)] public double ResolutionStep { get; init; } = 1.5;

    /// <summary>Most signals a state follows; values past it are ignored (their score is NaN). Default: 32.</summary>
    [Id(6)] public int MaxSignals { get; init; } = 32;

    /// <summary>The defaults: the configuration every service gets.</summary>
    public static ContextOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> with one line naming the first bad value.</summary>
    public void Validate()
    {
        Require(WarmUpWindows is >= 2 and <= 100_000, $"WarmUpWindows must be in [2, 100000], got {WarmUpWindows}");
        Require(Bins is >= 2 and <= 1024, $"Bins must be in [2, 1024], got {Bins}");
        Require(MaxOrder is >= 1 and <= 32, $"MaxOrder must be in [1, 32], got {MaxOrder}");
        Require(TableCapacity is >= 64 and <= 1 << 20 && (TableCapacity & (TableCapacity - 1)) == 0,
            $"TableCapacity must be a power of two in [64, 1048576], got {TableCapacity}");
        Require(AlarmNovelty is > 0 and <= 1, $"AlarmNovelty must be in (0, 1], got {AlarmNovelty}");
        Require(RestWindows is >= 0 and <= 1_000_000, $"RestWindows must be in [0, 1000000], got {RestWindows}");
        Require(HistoryWindows >= WarmUpWindows && HistoryWindows <= 100_000, $"HistoryWindows must be in [WarmUpWindows, 100000], got {HistoryWindows}");
        Require(Resolutions is >= 1 and <= 9, $"Resolutions must be in [1, 9], got {Resolutions}");
        Require(ResolutionStep is >= 1.1 and <= 4, $"ResolutionStep must be in [1.1, 4], got {ResolutionStep}");
        Require(ResolutionBins().Min() >= 2 && ResolutionBins().Max() <= 4096, $"Bins and ResolutionStep give resolutions of [{string.Join(", ", ResolutionBins())}] bins, outside [2, 4096]");
        Require(MaxSignals is >= 1 and <= 1024, $"MaxSignals must be in [1, 1024], got {MaxSignals}");
    }

    /// <summary>The bins of each resolution, coarsest first.</summary>
    public IEnumerable<int> ResolutionBins() =>
        Enumerable.Range(0, Resolutions).Select(k => (int)Math.Round(Bins * Math.Pow(ResolutionStep, k - ((Resolutions - 1) / 2.0))));

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
