namespace OtlpGrains.Interfaces;

/// <summary>
/// Registry-wide counts: models held, uploads refused before any change, and score reports refused as malformed, since
/// the registry began.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ModelRegistryCounts")]
public sealed record ModelRegistryCounts(
    [property: Id(0)] int Models,
    [property: Id(1)] long RefusedUploads,
    [property: Id(2)] long RefusedScoreReports);
