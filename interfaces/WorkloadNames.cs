namespace OtlpGrains.Interfaces;

/// <summary>
/// The directory's names at one version: address (port 0) or address and port to the owning service. Silos keep a copy
/// and ask again only when the version moved.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.WorkloadNames")]
public sealed record WorkloadNames(
    [property: Id(0)] long Version,
    [property: Id(1)] WorkloadEntry[] Entries);
