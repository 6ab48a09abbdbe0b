namespace OtlpGrains.Interfaces;

/// <summary>
/// What the service grains of one silo saw of one model version since the silo's last report: how many windows it
/// scored, how the scores fell into <see cref="Bins"/> equal bins over [0, 1] (for drift), and, for a shadow
/// version, how many of its verdicts were compared with production's and how many agreed (both anomalous or both
/// not). Silos send these in batches, never once per window.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ModelScoreReport")]
public sealed record ModelScoreReport(
    [property: Id(0)] string Model,
    [property: Id(1)] int Version,
    [property: Id(2)] long Windows,
    [property: Id(3)] long[] ScoreBins,
    [property: Id(4)] long ComparedWithProduction,
    [property: Id(5)] long AgreedWithProduction)
{
    /// <summary>Bins of <see cref="ScoreBins"/>: bin i holds scores in [i/Bins, (i+1)/Bins), the last one also 1.</summary>
    public const int Bins = 20;

    /// <summary>The bin of a score in [0, 1] (values outside are clamped).</summary>
    public static int BinOf(double score) => double.IsNaN(score) ? 0 : Math.Clamp((int)(score * Bins), 0, Bins - 1);
}
