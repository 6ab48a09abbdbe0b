namespace OtlpGrains.Interfaces;

/// <summary>Registry-wide counts: models held, and uploads refused before any change since the registry began.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ModelRegistryCounts")]
public sealed record ModelRegistryCounts(
    [property: Id(0)] int Models,
    [property: Id(1)] long RefusedUploads);
