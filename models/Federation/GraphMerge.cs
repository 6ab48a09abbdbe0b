using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Federation;

/// <summary>A node of the federated graph: a service of a cluster (virtual: an uninstrumented dependency it calls).</summary>
public sealed record FederatedNode(string Cluster, string Name, bool Virtual, string? Status);

/// <summary>
/// An edge of the federated graph, between a service of <see cref="ClientCluster"/> and a node of
/// <see cref="ServerCluster"/>; <see cref="Remote"/> when the two clusters differ.
/// </summary>
public sealed record FederatedEdge(
    string ClientCluster, string Client, string ServerCluster, string Server, bool Virtual, bool Remote, long Calls, long Errors, LatencySummary LatencyMs);

/// <summary>
/// Joins the clusters' graphs into one: each service is a node of its cluster, and an edge a cluster recognised as
/// crossing to a peer's service ends at that service's node in the peer's cluster instead of at a virtual node. The
/// two sides of a cross-cluster call are one edge: only the client's cluster has it (the server's cluster sees server
/// spans whose parents it never received, which make no edge).
/// </summary>
public static class GraphMerge
{
    /// <summary>The nodes and edges, by cluster then name; <paramref name="statusOf"/> gives a service's status when known.</summary>
    public static (FederatedNode[] Nodes, FederatedEdge[] Edges) Merge(IEnumerable<ClusterGraph> graphs, Func<string, string, string?> statusOf)
    {
        ArgumentNullException.ThrowIfNull(graphs);
        ArgumentNullException.ThrowIfNull(statusOf);
        var nodes = new Dictionary<(string, string), FederatedNode>();
        var edges = new List<FederatedEdge>();
        void Node(string cluster, string name, bool isVirtual) =>
            nodes.TryAdd((cluster, name), new FederatedNode(cluster, name, isVirtual, isVirtual ? null : statusOf(cluster, name)));

        foreach (var graph in graphs)
        {
            foreach (var service in graph.Services)
            {
                Node(graph.Cluster, service, false);
            }

            foreach (var edge in graph.Edges)
            {
                var (cluster, server, isVirtual) = edge.Remote is { } remote ? (remote.Cluster, remote.Service, false) : (graph.Cluster, edge.Server, edge.Virtual);
                Node(cluster, server, isVirtual);
                edges.Add(new FederatedEdge(graph.Cluster, edge.Client, cluster, server, isVirtual, cluster != graph.Cluster, edge.Calls, edge.Errors, edge.LatencyMs));
            }
        }

        return (
            [.. nodes.Values.OrderBy(n => n.Cluster, StringComparer.Ordinal).ThenBy(n => n.Name, StringComparer.Ordinal)],
            [.. edges.OrderBy(e => e.ClientCluster, StringComparer.Ordinal).ThenBy(e => e.Client, StringComparer.Ordinal).ThenBy(e => e.Server, StringComparer.Ordinal)]);
    }
}
