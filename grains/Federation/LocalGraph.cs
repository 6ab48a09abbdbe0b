using OtlpGrains.Interfaces;
using OtlpGrains.Models.Federation;

namespace OtlpGrains.Grains.Federation;

/// <summary>
/// This cluster's service graph read fresh (the catalog's services and each one's outgoing edges, all asked at once),
/// with every virtual callee that <see cref="RemoteNodes"/> recognises as a peer's service marked with it.
/// </summary>
internal static class LocalGraph
{
    public static async Task<ClusterGraph> ReadAsync(IGrainFactory grains, string cluster, Func<string[], RemoteNodes> resolver)
    {
        var names = await grains.GetGrain<IServiceCatalogGrain>(IServiceCatalogGrain.DefaultKey).GetServicesAsync();
        var edges = await Task.WhenAll(names.Select(n => grains.GetGrain<IServiceGrain>(n).GetDownstreamAsync().AsTask()));
        var remote = resolver(names);
        return new ClusterGraph(cluster, names, [.. edges.SelectMany(e => e).Select(e => new ClusterEdge(
            e.Client, e.Server, e.Virtual, e.Calls, e.Errors, e.LatencyMs, e.Virtual ? remote.Resolve(e.Server) : null))]);
    }
}
