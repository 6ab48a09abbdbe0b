namespace OtlpGrains.Interfaces;

/// <summary>
/// A service-graph edge. <see cref="Calls"/> and <see cref="Errors"/> are totals since first seen; latency (of the
/// client side) is over the asked range.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.EdgeStats")]
public sealed record EdgeStats(
    [property: Id(0)] string Client,
    [property: Id(1)] string Server,
    [property: Id(2)] bool Virtual,
    [property: Id(3)] long Calls,
    [property: Id(4)] long Errors,
    [property: Id(5)] LatencySummary LatencyMs);
