namespace OtlpGrains.Interfaces;

/// <summary>
/// The scores of a production or shadow version drifted: the Population Stability Index between its reference score
/// distribution and its most recent period rose above the registry's bound. Published once per crossing (the index
/// must fall back to the bound or below before the version can be recommended again) on stream provider
/// <see cref="StreamNames.Provider"/>, namespace <see cref="StreamNames.Models"/>, key
/// <see cref="StreamNames.RetrainKey"/> of the model.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.RetrainRecommended")]
public sealed record RetrainRecommended(
    [property: Id(0)] string Model,
    [property: Id(1)] int Version,
    [property: Id(2)] double Psi,
    [property: Id(3)] double Bound,
    [property: Id(4)] long ReferenceWindows,
    [property: Id(5)] long RecentWindows,
    [property: Id(6)] DateTimeOffset At);
