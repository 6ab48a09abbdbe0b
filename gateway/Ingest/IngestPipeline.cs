using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Gateway.Configuration;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// Hands decoded export requests to the grains: validate and group, take room in the in-flight budget, call each
/// grain once, and answer only when every grain has accepted its batch.
/// </summary>
internal sealed partial class IngestPipeline(
    IGrainFactory grains,
    InFlightLimiter limiter,
    GatewayInstruments instruments,
    TimeProvider time,
    IOptions<OtlpReceiverOptions> options,
    ILogger<IngestPipeline> logger)
{
    private readonly TimeSpan _grainTimeout = TimeSpan.FromSeconds(options.Value.GrainTimeoutSeconds);

    public ValueTask<IngestOutcome> IngestTracesAsync(ExportTraceServiceRequest request, CancellationToken cancellationToken) =>
        IngestTracesAsync(request, BatchIds.Of(request), cancellationToken);

    public ValueTask<IngestOutcome> IngestMetricsAsync(ExportMetricsServiceRequest request, CancellationToken cancellationToken) =>
        IngestMetricsAsync(request, BatchIds.Of(request), cancellationToken);

    public ValueTask<IngestOutcome> IngestLogsAsync(ExportLogsServiceRequest request, CancellationToken cancellationToken) =>
        IngestLogsAsync(request, BatchIds.Of(request), cancellationToken);

    /// <param name="batchId">The request's content id (<see cref="BatchIds"/>), so that retries are recognised.</param>
    public ValueTask<IngestOutcome> IngestTracesAsync(ExportTraceServiceRequest request, Guid batchId, CancellationToken cancellationToken)
    {
        var plan = TraceRequestSplitter.Split(request, batchId);
        return DispatchAsync(Signal.Traces, plan.Accepted, plan.Rejected, plan.RejectReason, "spans", plan, static (grains, plan) =>
        {
            var shards = TraceShardRouting.Group(plan.Traces);
            var calls = new Task[plan.Services.Length + shards.Count];
            var i = 0;
            foreach (var (service, batch) in plan.Services)
            {
                calls[i++] = grains.GetGrain<IServiceGrain>(service).IngestSpansAsync(batch).AsTask();
            }

            foreach (var (shard, traces) in shards)
            {
                calls[i++] = grains.GetGrain<ITraceShardGrain>(shard).AddSpansAsync(new TraceShardBatch(traces[0].BatchId, traces)).AsTask();
            }

            return calls;
        }, cancellationToken);
    }

    public ValueTask<IngestOutcome> IngestMetricsAsync(ExportMetricsServiceRequest request, Guid batchId, CancellationToken cancellationToken)
    {
        var plan = MetricRequestSplitter.Split(request, batchId);
        return DispatchAsync(Signal.Metrics, plan.Accepted, plan.Rejected, plan.RejectReason, "data points", plan, static (grains, plan) =>
            [.. plan.Services.Select(s => grains.GetGrain<IServiceGrain>(s.Key).IngestMetricsAsync(s.Value).AsTask())],
            cancellationToken);
    }

    public ValueTask<IngestOutcome> IngestLogsAsync(ExportLogsServiceRequest request, Guid batchId, CancellationToken cancellationToken)
    {
        var received = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        var plan = LogRequestSplitter.Split(request, batchId, received);
        instruments.Cut(Signal.Logs, plan.Cut);
        return DispatchAsync(Signal.Logs, plan.Accepted, plan.Rejected, plan.RejectReason, "log records", plan, static (grains, plan) =>
            [
                .. plan.Services.Select(s => grains.GetGrain<IServiceGrain>(s.Key).IngestLogsAsync(s.Value).AsTask()),
                .. TraceShardRouting.Group(plan.ErrorTraces).Select(s => grains.GetGrain<ITraceShardGrain>(s.Key).MarkErrorLogsAsync(s.Value).AsTask()),
            ],
            cancellationToken);
    }

    /// <summary>Counts a request refused before it was decoded (size, media type, malformed body).</summary>
    public void Refuse(Signal signal, RefusalReason reason)
    {
        instruments.Request(signal);
        instruments.Refused(signal, reason);
    }

    private async ValueTask<IngestOutcome> DispatchAsync<TPlan>(
        Signal signal,
        int accepted,
        int rejected,
        string? rejectReason,
        string itemName,
        TPlan plan,
        Func<IGrainFactory, TPlan, Task[]> startCalls,
        CancellationToken cancellationToken)
    {
        instruments.Request(signal);
        if (accepted == 0 && rejected > 0)
        {
            instruments.Invalid(signal, rejected);
            instruments.Refused(signal, RefusalReason.Invalid);
            return new IngestOutcome(IngestStatus.Invalid, rejected, $"all {rejected} {itemName} rejected: {rejectReason}");
        }

        if (accepted == 0)
        {
            return new IngestOutcome(IngestStatus.Accepted, 0, null);
        }

        if (!limiter.TryAcquire(accepted))
        {
            instruments.Refused(signal, RefusalReason.Busy);
            return new IngestOutcome(IngestStatus.Busy, 0, $"gateway busy: {limiter.InFlight} items in flight (limit {limiter.MaxItems}); retry later");
        }

        instruments.InFlight(signal, accepted);
        try
        {
            await Task.WhenAll(startCalls(grains, plan)).WaitAsync(_grainTimeout, time, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            instruments.Refused(signal, RefusalReason.Unavailable);
            LogGrainsUnavailable(logger, signal, exception.GetType().Name, exception.Message);
            return new IngestOutcome(IngestStatus.Unavailable, 0, $"cluster unavailable ({exception.GetType().Name}); retry");
        }
        finally
        {
            instruments.InFlight(signal, -accepted);
            limiter.Release(accepted);
        }

        instruments.Accepted(signal, accepted);
        if (rejected == 0)
        {
            return new IngestOutcome(IngestStatus.Accepted, 0, null);
        }

        instruments.Invalid(signal, rejected);
        return new IngestOutcome(IngestStatus.PartiallyAccepted, rejected, $"{rejected} {itemName} rejected: {rejectReason}");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grains did not accept a {Signal} batch: {ExceptionType}: {Reason}")]
    private static partial void LogGrainsUnavailable(ILogger logger, Signal signal, string exceptionType, string reason);
}
