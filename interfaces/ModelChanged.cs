namespace OtlpGrains.Interfaces;

/// <summary>
/// A version of a model moved to <see cref="Stage"/>: published by the registry on stream provider
/// <see cref="StreamNames.Provider"/>, namespace <see cref="StreamNames.Models"/>, key the model
/// name, once per stage change of a promotion, rollback or retirement (registration publishes nothing). A service
/// grain switches to the version that became <see cref="ModelStage.Production"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ModelChanged")]
public sealed record ModelChanged(
    [property: Id(0)] string Name,
    [property: Id(1)] int Version,
    [property: Id(2)] ModelStage Stage,
    [property: Id(3)] string Kind,
    [property: Id(4)] string Sha256);
