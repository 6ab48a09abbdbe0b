namespace OtlpGrains.Interfaces;

/// <summary>
/// The compact summary one cluster gives its federation peers: its services' health and anomaly status and its open
/// incidents, as of <see cref="TakenAt"/> (wall-clock time of the answering cluster).
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ClusterSummary")]
public sealed record ClusterSummary(
    [property: Id(0)] string Cluster,
    [property: Id(1)] DateTimeOffset TakenAt,
    [property: Id(2)] FederatedService[] Services,
    [property: Id(3)] FederatedIncident[] Incidents)
{
    /// <summary>The edges from this cluster's services to services it recognised as a peer's (cross-cluster edges).</summary>
    [Id(4)] public ClusterEdge[] RemoteEdges { get; init; } = [];
}

/// <summary>A service of a summary: the verdict on its last closed window (<c>ok|warning|critical</c>) and its RED figures.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.FederatedService")]
public sealed record FederatedService(
    [property: Id(0)] string Name,
    [property: Id(1)] string Status,
    [property: Id(2)] double AnomalyScore,
    [property: Id(3)] double Rate,
    [property: Id(4)] double ErrorRatio,
    [property: Id(5)] double P95Ms);

/// <summary>An open incident of a summary, with its first-ranked root cause (null before one is ranked).</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.FederatedIncident")]
public sealed record FederatedIncident(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset StartedAt,
    [property: Id(2)] DateTimeOffset DetectedAt,
    [property: Id(3)] string[] Services,
    [property: Id(4)] string? TopCause,
    [property: Id(5)] double TopScore)
{
    /// <summary>An incident of this cluster as its summary gives it.</summary>
    public static FederatedIncident Of(IncidentView incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var top = incident.RootCauses.FirstOrDefault();
        return new(incident.Id, incident.StartedAt, incident.DetectedAt, [.. incident.Services.Select(s => s.Name)], top?.Service, top?.Score ?? 0);
    }
}
