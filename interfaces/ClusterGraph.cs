namespace OtlpGrains.Interfaces;

/// <summary>
/// One cluster's service graph as it tells its federation peers: its services, and its edges with totals and latency;
/// an edge to a virtual node that this cluster recognised as a peer's service names that <see cref="ClusterEdge.Remote"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ClusterGraph")]
public sealed record ClusterGraph(
    [property: Id(0)] string Cluster,
    [property: Id(1)] string[] Services,
    [property: Id(2)] ClusterEdge[] Edges);

/// <summary>
/// An edge of a cluster's graph: <see cref="Server"/> is the name the client spans gave (a virtual node's name when
/// <see cref="Virtual"/>), and <see cref="Remote"/> the peer's service it is, when it is one.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ClusterEdge")]
public sealed record ClusterEdge(
    [property: Id(0)] string Client,
    [property: Id(1)] string Server,
    [property: Id(2)] bool Virtual,
    [property: Id(3)] long Calls,
    [property: Id(4)] long Errors,
    [property: Id(5)] LatencySummary LatencyMs,
    [property: Id(6)] RemoteNode? Remote);

/// <summary>The graphs of the clusters that answered a federated graph query, and how each cluster answered.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.FederatedGraph")]
public sealed record FederatedGraph(
    [property: Id(0)] ClusterGraph[] Graphs,
    [property: Id(1)] ClusterAnswer[] Clusters);
