using Microsoft.Extensions.Options;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Services;

/// <summary>
/// A service's rolling state. The arithmetic lives in <see cref="ServiceStatistics"/>; the grain registers the
/// service in the catalog and forwards calls.
/// </summary>
// The state is in memory only (durable checkpoints come with the PostgreSQL mode), so the activation must not be
// collected while the silo runs, or the service's history would vanish after an idle spell.
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class ServiceGrain(IOptions<ServiceWindowOptions> options, TimeProvider time) : Grain, IServiceGrain
{
    private readonly ServiceStatistics _statistics = new(options.Value, time);

    private string Name => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await GrainFactory.GetGrain<IServiceCatalogGrain>(IServiceCatalogGrain.DefaultKey).RegisterAsync(Name);
        await base.OnActivateAsync(cancellationToken);
    }

    public ValueTask IngestSpansAsync(ServiceSpanBatch batch)
    {
        _statistics.AddSpans(batch);
        return ValueTask.CompletedTask;
    }

    public ValueTask IngestMetricsAsync(ServiceMetricBatch batch)
    {
        _statistics.AddMetrics(batch);
        return ValueTask.CompletedTask;
    }

    public ValueTask IngestLogsAsync(ServiceLogBatch batch)
    {
        _statistics.AddLogs(batch);
        return ValueTask.CompletedTask;
    }

    public ValueTask AddEdgeCallsAsync(EdgeCall[] calls)
    {
        _statistics.AddEdgeCalls(calls);
        return ValueTask.CompletedTask;
    }

    public ValueTask<ServiceSummary> GetSummaryAsync() => ValueTask.FromResult(_statistics.Summary(Name));

    public ValueTask<ServiceDetail> GetDetailAsync(DateTimeOffset? rangeStart, DateTimeOffset? rangeEnd) =>
        ValueTask.FromResult(_statistics.Detail(Name, rangeStart, rangeEnd));

    public ValueTask<ServiceTotals> GetTotalsAsync() => ValueTask.FromResult(_statistics.Totals);

    public ValueTask<EdgeStats[]> GetDownstreamAsync() => ValueTask.FromResult(_statistics.Downstream(Name));

    public ValueTask<double?> GetOperationP99Async(string operation) => ValueTask.FromResult(_statistics.OperationP99(operation));
}
