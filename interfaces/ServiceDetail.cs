namespace OtlpGrains.Interfaces;

/// <summary>
/// One service over a time range: totals, a series of windows, operations, edges, logs and metrics, and (as in
/// <see cref="ServiceSummary"/>) the detection's verdict on the last closed span window.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ServiceDetail")]
public sealed record ServiceDetail(
    [property: Id(0)] string Name,
    [property: Id(1)] DateTimeOffset? From,
    [property: Id(2)] DateTimeOffset? To,
    [property: Id(3)] long Spans,
    [property: Id(4)] long Requests,
    [property: Id(5)] long Errors,
    [property: Id(6)] LatencySummary LatencyMs,
    [property: Id(7)] WindowPoint[] Series,
    [property: Id(8)] OperationStats[] Operations,
    [property: Id(9)] EdgeStats[] Downstream,
    [property: Id(10)] LogSummary Logs,
    [property: Id(11)] MetricSeries[] Metrics,
    [property: Id(12)] ServiceTotals Totals,
    [property: Id(13)] double AnomalyScore = 0,
    [property: Id(14)] string Status = "ok",
    [property: Id(15)] AnomalyModelRef? Model = null)
{
    /// <summary>
    /// Requests of the range whose traces back its figures, newest first: each window's slowest and its last failed
    /// (at most <c>ServiceDetailView.MaxTraces</c>).
    /// </summary>
    [Id(16)] public RequestTrace[] Traces { get; init; } = [];
}
