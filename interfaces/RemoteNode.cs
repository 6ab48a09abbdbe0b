namespace OtlpGrains.Interfaces;

/// <summary>A service of a peer cluster that a local client span calls: the far side of a cross-cluster edge.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.RemoteNode")]
public sealed record RemoteNode(
    [property: Id(0)] string Cluster,
    [property: Id(1)] string Service);
