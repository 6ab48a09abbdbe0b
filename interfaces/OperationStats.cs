namespace OtlpGrains.Interfaces;

/// <summary>
/// One operation (span name) of a service over a range. Operations beyond the per-service limit are folded into
/// one named <c>other</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.OperationStats")]
public sealed record OperationStats(
    [property: Id(0)] string Name,
    [property: Id(1)] long Spans,
    [property: Id(2)] long Requests,
    [property: Id(3)] long Errors,
    [property: Id(4)] LatencySummary LatencyMs);
