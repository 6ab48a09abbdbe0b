namespace OtlpGrains.Interfaces;

/// <summary>An expected refusal with a one-line reason, fit for an HTTP error body.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.RegistryRefusal")]
public sealed record RegistryRefusal(
    [property: Id(0)] RegistryRefusalKind Kind,
    [property: Id(1)] string Reason);
