namespace OtlpGrains.Interfaces;

/// <summary>
/// What a peer cluster said about one of its services over an incident's range: whether it knows the service, its
/// status and anomaly score, its evidence from its own windows, and the peer's open incidents the service is part of.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.RemoteServiceEvidence")]
public sealed record RemoteServiceEvidence(
    [property: Id(0)] bool Found,
    [property: Id(1)] string Status,
    [property: Id(2)] double AnomalyScore,
    [property: Id(3)] ServiceEvidence? Evidence,
    [property: Id(4)] FederatedIncident[] Incidents);

/// <summary>A peer's answer about <see cref="Node"/>: how the call went, and the evidence when it answered.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.RemoteEvidenceAnswer")]
public sealed record RemoteEvidenceAnswer(
    [property: Id(0)] RemoteNode Node,
    [property: Id(1)] ClusterStatus Status,
    [property: Id(2)] string? Detail,
    [property: Id(3)] RemoteServiceEvidence? Evidence);
