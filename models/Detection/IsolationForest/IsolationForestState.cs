namespace OtlpGrains.Models.Detection.IsolationForest;

/// <summary>
/// One service's forest and what it grows from: the lag embedding of its recent windows, a reservoir of its recent
/// normal windows, the trees, and the random generator that grew them. Bounded, but not small: with the defaults and
/// a 5-signal vector, 512 x 15 doubles of reservoir (61 KB) and 32 trees of 255 nodes (18 bytes each, 147 KB), about
/// 225 KB (229 KB through the Orleans serializer), against 27 KB for the baseline.
/// When the vector gains signals, the state starts over at the new width (the old trees cannot read it).
/// </summary>
[GenerateSerializer, Alias("otlpgrains.iforest.IsolationForestState")]
public sealed class IsolationForestState : DetectorState
{
    [Id(0)] internal LagEmbedding? Embedding { get; set; }

    [Id(1)] internal NormalReservoir? Reservoir { get; set; }

    [Id(2)] internal IsolationTrees? Trees { get; set; }

    [Id(3)] internal SplitMix64 Random { get; set; } = new(0);

    [Id(4)] internal int SinceGrowth { get; set; }

    [Id(5)] internal double Memory { get; set; }

    [Id(6)] internal double RawMean { get; set; }

    [Id(7)] internal double RawVariance { get; set; }

    public override string Kind => IsolationForestModel.KindName;

    /// <summary>Signals followed now (0 before the first window).</summary>
    public int SignalCount => Embedding?.Signals ?? 0;

    /// <summary>Starts over for a vector of <paramref name="signals"/> signals.</summary>
    internal void Reset(int signals, IsolationForestOptions options)
    {
        Embedding = new LagEmbedding(signals, options.Lags);
        Reservoir = new NormalReservoir(options.ReservoirSize, signals * LagEmbedding.FeaturesPerSignal);
        Trees = null;
        Random = new SplitMix64(options.Seed);
        SinceGrowth = 0;
        Memory = 0;
        RawMean = 0;
        RawVariance = 0;
    }
}
