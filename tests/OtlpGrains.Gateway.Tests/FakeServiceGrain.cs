using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Tests;

/// <summary>Records the batches the gateway hands to one service; queries are not supported.</summary>
internal sealed class FakeServiceGrain(FakeGrainFactory factory) : IServiceGrain
{
    public List<ServiceSpanBatch> SpanBatches { get; } = [];

    public List<ServiceMetricBatch> MetricBatches { get; } = [];

    public List<ServiceLogBatch> LogBatches { get; } = [];

    public ValueTask IngestSpansAsync(ServiceSpanBatch batch)
    {
        SpanBatches.Add(batch);
        return factory.Call();
    }

    public ValueTask IngestMetricsAsync(ServiceMetricBatch batch)
    {
        MetricBatches.Add(batch);
        return factory.Call();
    }

    public ValueTask IngestLogsAsync(ServiceLogBatch batch)
    {
        LogBatches.Add(batch);
        return factory.Call();
    }

    public ValueTask AddEdgeCallsAsync(EdgeCall[] calls) => throw new NotSupportedException();

    public ValueTask<ServiceSummary> GetSummaryAsync() => throw new NotSupportedException();

    public ValueTask<ServiceDetail> GetDetailAsync(DateTimeOffset? rangeStart, DateTimeOffset? rangeEnd) => throw new NotSupportedException();

    public ValueTask<WindowSnapshot[]> GetWindowsAsync(DateTimeOffset? rangeStart, DateTimeOffset? rangeEnd) => throw new NotSupportedException();

    public ValueTask<ServiceTotals> GetTotalsAsync() => throw new NotSupportedException();

    public ValueTask<ServiceScrape> GetScrapeAsync() => throw new NotSupportedException();

    public ValueTask<EdgeStats[]> GetDownstreamAsync() => throw new NotSupportedException();

    public ValueTask<double?> GetOperationP99Async(string operation) => throw new NotSupportedException();

    public ValueTask<AnomalyEvent[]> GetAnomaliesAsync(DateTimeOffset? since) => throw new NotSupportedException();

    public ValueTask<AnomalyScoring[]> GetAnomalyScoringAsync() => throw new NotSupportedException();

    public ValueTask<RetainedLog[]> GetLogsAsync(LogQuery query) => throw new NotSupportedException();

    public ValueTask<ServiceEvidence> GetEvidenceAsync(DateTimeOffset rangeStart, DateTimeOffset rangeEnd, DateTimeOffset baselineStart, DateTimeOffset baselineEnd) => throw new NotSupportedException();

    public ValueTask<LogTemplateSummary[]> GetLogTemplatesAsync(DateTimeOffset? rangeStart, DateTimeOffset? rangeEnd) => throw new NotSupportedException();
}
