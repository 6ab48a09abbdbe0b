namespace OtlpGrains.Interfaces;

/// <summary>
/// Cumulative counters of a service since first seen, including what the windows could not place (data older
/// than the allowed lateness) and what the bounds folded or refused.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ServiceTotals")]
public sealed record ServiceTotals(
    [property: Id(0)] long Spans,
    [property: Id(1)] long Requests,
    [property: Id(2)] long Errors,
    [property: Id(3)] long LateSpans,
    [property: Id(4)] long Logs,
    [property: Id(5)] long MetricPoints,
    [property: Id(6)] long RefusedMetricPoints,
    [property: Id(7)] long[] LatencyBucketCounts,
    [property: Id(8)] double LatencySumMs)
{
    /// <summary>
    /// Upper bounds (ms) of the request-latency histogram exposed on <c>/metrics</c>, the OpenTelemetry Collector
    /// spanmetrics defaults; <see cref="LatencyBucketCounts"/> has one more entry, for +Inf. Not cumulative.
    /// </summary>
    public static IReadOnlyList<double> LatencyBucketBoundsMs { get; } =
        [2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10_000, 15_000];
}
