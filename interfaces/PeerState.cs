namespace OtlpGrains.Interfaces;

/// <summary>
/// What the federation grain knows of one peer: its latest summary (only the latest is kept), how the last pull went,
/// when it last succeeded, its last error (one line) and how many pulls in a row failed.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.PeerState")]
public sealed record PeerState(
    [property: Id(0)] string Name,
    [property: Id(1)] ClusterStatus Status,
    [property: Id(2)] ClusterSummary? Latest,
    [property: Id(3)] DateTimeOffset? LastSuccess,
    [property: Id(4)] string? LastError,
    [property: Id(5)] int ConsecutiveFailures,
    [property: Id(6)] DateTimeOffset? NextAttempt);
