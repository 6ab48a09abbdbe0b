namespace OtlpGrains.Interfaces;

/// <summary>
/// What the silos reported of one version: windows scored, the score distribution (the
/// <see cref="ModelScoreReport.Bins"/> counts and a summary read from them), shadow agreement and drift.
/// </summary>
/// <param name="Windows">Windows the version scored, summed over every report.</param>
/// <param name="ScoreBins">Scores per bin of width 1 / <see cref="ModelScoreReport.Bins"/>.</param>
/// <param name="MeanScore">Mean of the bins' midpoints, weighted by their counts; null without scores.</param>
/// <param name="P50">Upper edge of the bin holding the median score (the bins are all we know); null without scores.</param>
/// <param name="P95">Same for the 95th percentile.</param>
/// <param name="P99">Same for the 99th percentile.</param>
/// <param name="Agreement">For a version that ran as shadow: its verdicts compared with production's.</param>
/// <param name="Drift">Reference and recent score distributions and their stability index.</param>
[GenerateSerializer, Immutable, Alias("otlpgrains.VersionScoreSummary")]
public sealed record VersionScoreSummary(
    [property: Id(0)] int Version,
    [property: Id(1)] long Windows,
    [property: Id(2)] long[] ScoreBins,
    [property: Id(3)] double? MeanScore,
    [property: Id(4)] double? P50,
    [property: Id(5)] double? P95,
    [property: Id(6)] double? P99,
    [property: Id(7)] ShadowAgreement? Agreement,
    [property: Id(8)] ScoreDrift Drift);
