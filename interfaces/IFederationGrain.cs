using Orleans.Concurrency;

namespace OtlpGrains.Interfaces;

/// <summary>
/// The cluster's federation: one activation keyed <see cref="DefaultKey"/> pulls each configured peer's summary on an
/// interval (backing off on failure), keeps only the latest per peer, and fans trace queries out to the peers live.
/// Its calls interleave: a pull waiting on a slow peer must not hold up a query.
/// </summary>
[Alias("otlpgrains.IFederationGrain")]
public interface IFederationGrain : IGrainWithStringKey
{
    /// <summary>The key of the one federation grain.</summary>
    public const string DefaultKey = "default";

    /// <summary>Activates the grain so that its pulls start; idempotent. Each silo calls it at start.</summary>
    [Alias("Start"), AlwaysInterleave]
    ValueTask StartAsync();

    /// <summary>This cluster's own summary, fresh: what a peer's <c>GetSummary</c> gets.</summary>
    [Alias("GetLocalSummary"), AlwaysInterleave]
    ValueTask<ClusterSummary> GetLocalSummaryAsync();

    /// <summary>The local summary and every peer's state, with its latest summary.</summary>
    [Alias("GetView"), AlwaysInterleave]
    ValueTask<FederationView> GetViewAsync();

    /// <summary>
    /// The trace <paramref name="traceId"/> (32 lowercase hex) merged from this cluster's kept part and every peer's,
    /// asked live with the peer deadline.
    /// </summary>
    [Alias("GetTrace"), AlwaysInterleave]
    ValueTask<FederatedTrace> GetTraceAsync(string traceId);

    /// <summary>This cluster's service graph, fresh, its cross-cluster edges marked: what a peer's <c>GetGraph</c> gets.</summary>
    [Alias("GetLocalGraph"), AlwaysInterleave]
    ValueTask<ClusterGraph> GetLocalGraphAsync();

    /// <summary>This cluster's graph and every peer's, asked live with the peer deadline.</summary>
    [Alias("GetGraph"), AlwaysInterleave]
    ValueTask<FederatedGraph> GetGraphAsync();

    /// <summary>
    /// The incidents with each root cause that is a peer's service (a virtual callee recognised as one) ranked again
    /// with that peer's evidence over the incident's range, asked live with the peer deadline.
    /// </summary>
    [Alias("WithRemoteCauses"), AlwaysInterleave]
    ValueTask<IncidentView[]> WithRemoteCausesAsync(IncidentView[] incidents);

    /// <summary>
    /// Something in this cluster's summary changed (an incident, a new service): the peers are told soon, at most once
    /// per <c>ChangeSpacing</c>, so that they pull it before their next interval.
    /// </summary>
    [Alias("LocalChanged"), OneWay]
    ValueTask LocalChangedAsync();

    /// <summary>The peer <paramref name="peer"/> said its summary changed; false when no peer has that name.</summary>
    [Alias("PeerChanged"), AlwaysInterleave]
    ValueTask<bool> PeerChangedAsync(string peer);
}
