namespace OtlpGrains.Interfaces;

/// <summary>
/// The federation as this cluster sees it now: its own summary, fresh, and each peer's state (latest summary included),
/// read at <see cref="At"/> (wall-clock time, for the copies' ages). A copy older than <see cref="StaleAfter"/> is no
/// longer served as current: its pulls are not coming back.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.FederationView")]
public sealed record FederationView(
    [property: Id(0)] ClusterSummary Local,
    [property: Id(1)] PeerState[] Peers,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] TimeSpan StaleAfter);
