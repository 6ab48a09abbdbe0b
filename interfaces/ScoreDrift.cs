namespace OtlpGrains.Interfaces;

/// <summary>
/// Drift of a version's scores: the reference distribution (its first scores while production or shadow), the last
/// complete period after it, and the Population Stability Index between them (null until a period completes).
/// </summary>
/// <param name="RetrainRecommended">The index is above <paramref name="Bound"/> now: a retrain was recommended at <paramref name="RecommendedAt"/>.</param>
/// <param name="Recommendations">Crossings of the bound so far, each announced once.</param>
[GenerateSerializer, Immutable, Alias("otlpgrains.ScoreDrift")]
public sealed record ScoreDrift(
    [property: Id(0)] long ReferenceWindows,
    [property: Id(1)] long RecentWindows,
    [property: Id(2)] double? Psi,
    [property: Id(3)] double Bound,
    [property: Id(4)] bool RetrainRecommended,
    [property: Id(5)] DateTimeOffset? RecommendedAt,
    [property: Id(6)] int Recommendations);
