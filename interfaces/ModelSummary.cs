namespace OtlpGrains.Interfaces;

/// <summary>A model at a glance: its schema, how many versions, and which are in production and shadow.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ModelSummary")]
public sealed record ModelSummary(
    [property: Id(0)] string Name,
    [property: Id(1)] FeatureSchema Schema,
    [property: Id(2)] int Versions,
    [property: Id(3)] int? Production,
    [property: Id(4)] int? Shadow);
