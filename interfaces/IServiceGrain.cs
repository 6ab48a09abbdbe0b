namespace OtlpGrains.Interfaces;

/// <summary>
/// Rolling state of one service, keyed by its identity (<c>service.namespace/service.name</c>, or just the name).
/// Fed once per OTLP request by the gateway and with edge calls by the trace grains.
/// </summary>
[Alias("otlpgrains.IServiceGrain")]
public interface IServiceGrain : IGrainWithStringKey
{
    /// <summary>Adds one request's spans of this service to the windows and totals.</summary>
    [Alias("IngestSpans")]
    ValueTask IngestSpansAsync(ServiceSpanBatch batch);

    /// <summary>Adds one request's metric data points of this service.</summary>
    [Alias("IngestMetrics")]
    ValueTask IngestMetricsAsync(ServiceMetricBatch batch);

    /// <summary>Adds one request's log records of this service.</summary>
    [Alias("IngestLogs")]
    ValueTask IngestLogsAsync(ServiceLogBatch batch);

    /// <summary>Adds calls this service made along its outgoing edges.</summary>
    [Alias("AddEdgeCalls")]
    ValueTask AddEdgeCallsAsync(EdgeCall[] calls);

    /// <summary>The service at a glance.</summary>
    [Alias("GetSummary")]
    ValueTask<ServiceSummary> GetSummaryAsync();

    /// <summary>The service over [rangeStart, rangeEnd); null bounds mean everything retained.</summary>
    [Alias("GetDetail")]
    ValueTask<ServiceDetail> GetDetailAsync(DateTimeOffset? rangeStart, DateTimeOffset? rangeEnd);

    /// <summary>
    /// The span signal's retained windows overlapping [rangeStart, rangeEnd) in mergeable form (counts, histogram
    /// snapshots, per operation and per callee), oldest first; null bounds mean everything retained.
    /// </summary>
    [Alias("GetWindows")]
    ValueTask<WindowSnapshot[]> GetWindowsAsync(DateTimeOffset? rangeStart, DateTimeOffset? rangeEnd);

    /// <summary>Cumulative counters since first seen (for <c>/metrics</c>).</summary>
    [Alias("GetTotals")]
    ValueTask<ServiceTotals> GetTotalsAsync();

    /// <summary>The totals and the detection's verdict together, for <c>/metrics</c> (one call per service per scrape).</summary>
    [Alias("GetScrape")]
    ValueTask<ServiceScrape> GetScrapeAsync();

    /// <summary>Outgoing edges with totals since first seen and latency over everything retained.</summary>
    [Alias("GetDownstream")]
    ValueTask<EdgeStats[]> GetDownstreamAsync();

    /// <summary>Recent p99 latency (ms) of an operation, or null when it has too little data to judge.</summary>
    [Alias("GetOperationP99")]
    ValueTask<double?> GetOperationP99Async(string operation);

    /// <summary>
    /// The anomaly events of this service kept for the API (the last <c>ServiceDetection.KeptEvents</c>), newest
    /// first, those whose window ends after <paramref name="since"/> when given.
    /// </summary>
    [Alias("GetAnomalies")]
    ValueTask<AnomalyEvent[]> GetAnomaliesAsync(DateTimeOffset? since);

    /// <summary>
    /// The service's retained log records that match <paramref name="query"/>, newest first (an in-memory ring of the
    /// last records; see <c>RecentLogs</c>).
    /// </summary>
    [Alias("GetLogs")]
    ValueTask<RetainedLog[]> GetLogsAsync(LogQuery query);

    /// <summary>
    /// The service's log templates with records in the log windows overlapping [rangeStart, rangeEnd) (null bounds:
    /// everything retained), highest score first, then most records.
    /// </summary>
    [Alias("GetLogTemplates")]
    ValueTask<LogTemplateSummary[]> GetLogTemplatesAsync(DateTimeOffset? rangeStart, DateTimeOffset? rangeEnd);

    /// <summary>
    /// What the service's windows say about an incident over [rangeStart, rangeEnd) against a baseline range: requests, edges
    /// and the log templates whose count rose.
    /// </summary>
    [Alias("GetEvidence")]
    ValueTask<ServiceEvidence> GetEvidenceAsync(DateTimeOffset rangeStart, DateTimeOffset rangeEnd, DateTimeOffset baselineStart, DateTimeOffset baselineEnd);

    /// <summary>The last runs of windows each model version scored, per signal, oldest first.</summary>
    [Alias("GetAnomalyScoring")]
    ValueTask<AnomalyScoring[]> GetAnomalyScoringAsync();
}
