using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtlpGrains.Gateway.Configuration;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// Hands export requests, read into plans, to the grains: take room in the in-flight budget, call each
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

    /// <summary>When a request is received, for the records that carry no time (<see cref="LogRequestReader"/>).</summary>
    public long ReceivedUnixNano() => (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;

    /// <param name="plan">A request read by <see cref="TraceRequestReader"/>; its batches carry the request's content id.</param>
    public ValueTask<IngestOutcome> IngestTracesAsync(TraceIngestPlan plan, CancellationToken cancellationToken)
    {
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

    /// <param name="plan">A request read by <see cref="MetricRequestReader"/>.</param>
    public ValueTask<IngestOutcome> IngestMetricsAsync(SignalIngestPlan<ServiceMetricBatch> plan, CancellationToken cancellationToken)
    {
        return DispatchAsync(Signal.Metrics, plan.Accepted, plan.Rejected, plan.RejectReason, "data points", plan, static (grains, plan) =>
            [.. plan.Services.Select(s => grains.GetGrain<IServiceGrain>(s.Key).IngestMetricsAsync(s.Value).AsTask())],
            cancellationToken);
    }

    /// <param name="plan">A request read by <see cref="LogRequestReader"/>.</param>
    public ValueTask<IngestOutcome> IngestLogsAsync(SignalIngestPlan<ServiceLogBatch> plan, CancellationToken cancellationToken)
    {
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
