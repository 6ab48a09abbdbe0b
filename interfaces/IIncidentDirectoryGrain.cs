using Orleans.Concurrency;

namespace OtlpGrains.Interfaces;

/// <summary>
/// The cluster's incidents: one activation keyed <see cref="DefaultKey"/> takes the anomaly events the relay grains
/// forward from the <c>anomalies</c> stream, groups them into incidents, ranks their root causes, and resolves them
/// when their anomalies clear.
/// </summary>
[Alias("otlpgrains.IIncidentDirectoryGrain")]
public interface IIncidentDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The key of the one directory.</summary>
    public const string DefaultKey = "default";

    /// <summary>Takes anomaly events in (duplicates are dropped by id).</summary>
    [Alias("AddAnomalies")]
    ValueTask AddAnomaliesAsync(AnomalyEvent[] anomalies);

    /// <summary>
    /// Incidents that started after <paramref name="since"/> or are still open (all when null), of a status
    /// (<c>open</c>, <c>resolved</c>, null: both), newest first.
    /// </summary>
    [Alias("List")]
    ValueTask<IncidentView[]> ListAsync(DateTimeOffset? since, string? status);

    /// <summary>One incident, or null when unknown (or no longer kept).</summary>
    [Alias("Get")]
    ValueTask<IncidentView?> GetAsync(string id);

    /// <summary>
    /// How many incidents are open now, for <c>/metrics</c>: no views, no evidence read. It interleaves, so that a
    /// scrape does not queue behind an anomaly batch that waits on the service graph.
    /// </summary>
    [Alias("CountOpen"), AlwaysInterleave]
    ValueTask<int> CountOpenAsync();
}
