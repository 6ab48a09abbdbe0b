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
    ServiceAdmission admission,
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
    /// <param name="cancellationToken">The request's.</param>
    /// <param name="key">The name of the API key the request came with, if any (the per-key service limit).</param>
    public async ValueTask<IngestOutcome> IngestTracesAsync(TraceIngestPlan plan, CancellationToken cancellationToken, string? key = null)
    {
        var (refused, failure) = await AdmitAsync(Signal.Traces, plan.Services, key, cancellationToken);
        if (failure is { } unavailable)
        {
            return unavailable;
        }

        if (refused is not null)
        {
            (plan, int limited) = ServiceAdmission.Without(plan, refused);
            if (AllLimited(Signal.Traces, plan.Accepted, plan.Rejected, limited, plan.RejectReason) is { } outcome)
            {
                return outcome;
            }
        }

        return await DispatchAsync(Signal.Traces, plan.Accepted, plan.Rejected, plan.RejectReason, "spans", plan, static (grains, plan) =>
        {
            var shards = TraceShardRouting.Group(plan.Traces);
            var calls = new Task[plan.Services.Length + shards.Count + plan.Halves.Length];
            var i = 0;
            foreach (var (service, batch) in plan.Services)
            {
                calls[i++] = grains.GetGrain<IServiceGrain>(service).IngestSpansAsync(batch).AsTask();
            }

            foreach (var (shard, traces) in shards)
            {
                calls[i++] = grains.GetGrain<ITraceShardGrain>(shard).AddSpansAsync(new TraceShardBatch(plan.BatchId, traces)).AsTask();
            }

            // Alongside, not instead: the halves' spans are ingested above whether or not they ever meet.
            foreach (var shard in plan.Halves)
            {
                calls[i++] = grains.GetGrain<IJoinShardGrain>(shard.Shard).AddHalvesAsync(shard.Halves).AsTask();
            }

            return calls;
        }, cancellationToken);
    }

    /// <param name="plan">A request read by <see cref="MetricRequestReader"/>.</param>
    /// <param name="cancellationToken">The request's.</param>
    /// <param name="key">The name of the API key the request came with, if any (the per-key service limit).</param>
    public async ValueTask<IngestOutcome> IngestMetricsAsync(SignalIngestPlan<ServiceMetricBatch> plan, CancellationToken cancellationToken, string? key = null)
    {
        var (refused, failure) = await AdmitAsync(Signal.Metrics, plan.Services, key, cancellationToken);
        if (failure is { } unavailable)
        {
            return unavailable;
        }

        if (refused is not null)
        {
            (plan, int limited) = ServiceAdmission.Without(plan, refused, static batch => batch.Points.Length);
            if (AllLimited(Signal.Metrics, plan.Accepted, plan.Rejected, limited, plan.RejectReason) is { } outcome)
            {
                return outcome;
            }
        }

        return await DispatchAsync(Signal.Metrics, plan.Accepted, plan.Rejected, plan.RejectReason, "data points", plan, static (grains, plan) =>
            [.. plan.Services.Select(s => grains.GetGrain<IServiceGrain>(s.Key).IngestMetricsAsync(s.Value).AsTask())],
            cancellationToken);
    }

    /// <param name="plan">A request read by <see cref="LogRequestReader"/>.</param>
    /// <param name="cancellationToken">The request's.</param>
    /// <param name="key">The name of the API key the request came with, if any (the per-key service limit).</param>
    public async ValueTask<IngestOutcome> IngestLogsAsync(SignalIngestPlan<ServiceLogBatch> plan, CancellationToken cancellationToken, string? key = null)
    {
        var (refused, failure) = await AdmitAsync(Signal.Logs, plan.Services, key, cancellationToken);
        if (failure is { } unavailable)
        {
            return unavailable;
        }

        if (refused is not null)
        {
            (plan, int limited) = ServiceAdmission.Without(plan, refused, static batch => batch.Logs.Length);
            if (AllLimited(Signal.Logs, plan.Accepted, plan.Rejected, limited, plan.RejectReason) is { } outcome)
            {
                return outcome;
            }
        }

        instruments.Cut(Signal.Logs, plan.Cut);
        return await DispatchAsync(Signal.Logs, plan.Accepted, plan.Rejected, plan.RejectReason, "log records", plan, static (grains, plan) =>
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

    /// <summary>
    /// Counts the items a service limit rejected. When nothing is left to accept, the answer is a partial success with
    /// every item rejected (not a 400: the request is well formed, and the reason says which limit).
    /// </summary>
    private IngestOutcome? AllLimited(Signal signal, int accepted, int rejected, int limited, string? reason)
    {
        instruments.Limited(signal, limited);
        if (accepted > 0)
        {
            return null;
        }

        instruments.Request(signal);
        instruments.Invalid(signal, rejected - limited);
        return new IngestOutcome(IngestStatus.PartiallyAccepted, rejected, $"all {rejected} items rejected: {reason}");
    }

    /// <summary>
    /// The request's services refused by the service limits (null when all are admitted), or the outcome to answer
    /// with when the catalog could not be asked.
    /// </summary>
    private async ValueTask<(HashSet<string>? Refused, IngestOutcome? Failure)> AdmitAsync<TBatch>(
        Signal signal, KeyValuePair<string, TBatch>[] services, string? key, CancellationToken cancellationToken)
    {
        try
        {
            return (await admission.RefusedAsync(services, key).AsTask().WaitAsync(_grainTimeout, time, cancellationToken), null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            instruments.Request(signal);
            instruments.Refused(signal, RefusalReason.Unavailable);
            LogGrainsUnavailable(logger, signal, exception.GetType().Name, exception.Message);
            return (null, new IngestOutcome(IngestStatus.Unavailable, 0, $"cluster unavailable ({exception.GetType().Name}); retry"));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grains did not accept a {Signal} batch: {ExceptionType}: {Reason}")]
    private static partial void LogGrainsUnavailable(ILogger logger, Signal signal, string exceptionType, string reason);
}
