namespace OtlpGrains.Interfaces;

/// <summary>Verdicts of a shadow version compared with production's, and the share that agreed.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ShadowAgreement")]
public sealed record ShadowAgreement(
    [property: Id(0)] double Share,
    [property: Id(1)] long Compared,
    [property: Id(2)] long Agreed);
