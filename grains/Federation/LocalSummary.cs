using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Federation;

/// <summary>
/// This cluster's compact summary, read fresh: every service's last verdict and RED figures from its grain (all asked
/// at once), the open incidents with their first-ranked cause, and those of the given graph edges that cross to a
/// peer.
/// </summary>
internal static class LocalSummary
{
    public static async Task<ClusterSummary> ReadAsync(IGrainFactory grains, string cluster, DateTimeOffset now, IEnumerable<ClusterEdge> edges)
    {
        var names = await grains.GetGrain<IServiceCatalogGrain>(IServiceCatalogGrain.DefaultKey).GetServicesAsync();
        var services = await Task.WhenAll(names.Select(n => grains.GetGrain<IServiceGrain>(n).GetSummaryAsync().AsTask()));
        var incidents = await grains.GetGrain<IIncidentDirectoryGrain>(IIncidentDirectoryGrain.DefaultKey).ListAsync(null, "open");
        return new ClusterSummary(
            cluster,
            now,
            [.. services.Select(s => new FederatedService(s.Name, s.Status, s.AnomalyScore, s.Rate, s.ErrorRatio, s.LatencyMs.P95))],
            [.. incidents.Select(FederatedIncident.Of)])
        {
            RemoteEdges = [.. edges.Where(e => e.Remote is not null)],
        };
    }
}
