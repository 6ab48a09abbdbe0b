using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Traces;

namespace OtlpGrains.Grains.Traces;

/// <summary>
/// The traces in progress of one shard. Spans arrive batched per request; a sweep a few times per idle period
/// completes the traces that heard nothing for <see cref="TraceOptions.IdleSeconds"/>: edge calls go to the client
/// services, tail sampling decides, and a kept trace is stored under its <see cref="ITraceGrain"/> id. Storage is
/// touched only for kept traces, so dropped ones cost no I/O, and no trace costs an activation.
/// </summary>
internal sealed class TraceShardGrain(
    IOptions<TraceOptions> options,
    TailSampler sampler,
    EdgeCallBuffer edges,
    OperationP99Cache p99s,
    GrainInstruments instruments,
    TimeProvider time) : Grain, ITraceShardGrain
{
    private readonly TimeSpan _idle = TimeSpan.FromSeconds(options.Value.IdleSeconds);
    private readonly PendingTraces _pending = new(options.Value.MaxSpans, Math.Max(1, options.Value.MaxPendingTraces / TraceShards.Count));

    private IGrainStorage Storage => ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.KeptTraces);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A quarter of the idle time between sweeps: a trace completes between 1 and 1.25 idle times after its last span.
        var every = TimeSpan.FromTicks(Math.Clamp(_idle.Ticks / 4, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerSecond));
        this.RegisterGrainTimer(SweepAsync, every, every);
        return base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The silo is leaving (or the shard moves): finish what is here rather than lose it.
        foreach (PendingTrace trace in _pending.TakeAll())
        {
            await CompleteAsync(trace);
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async ValueTask AddSpansAsync(TraceShardBatch batch)
    {
        long now = time.GetTimestamp();
        long cut = _pending.CutSpans;
        foreach (TraceSpanBatch trace in batch.Traces)
        {
            if (_pending.Add(trace.TraceId, trace.Spans, now) is { } early)
            {
                instruments.TracesCompletedEarly(1);
                await CompleteAsync(early);
            }
        }

        instruments.SpansCut(_pending.CutSpans - cut);
    }

    public async ValueTask MarkErrorLogsAsync(string[] traceIds)
    {
        long now = time.GetTimestamp();
        foreach (string traceId in traceIds)
        {
            if (_pending.MarkErrorLog(traceId, now) is { } early)
            {
                instruments.TracesCompletedEarly(1);
                await CompleteAsync(early);
            }
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        long idleSince = time.GetTimestamp() - (long)(_idle.TotalSeconds * time.TimestampFrequency);
        foreach (PendingTrace trace in _pending.TakeIdle(idleSince))
        {
            await CompleteAsync(trace);
        }
    }

    private async Task CompleteAsync(PendingTrace pending)
    {
        TraceAssembler trace = pending.Assembler;
        if (trace.Count == 0)
        {
            // Only an error-log mark came, and no span in the idle time: nothing to keep.
            return;
        }

        edges.Add(trace.DrainEdgeCalls(final: true));

        double? rootP99 = null;
        if (!trace.HasError && trace.Root is { } root)
        {
            rootP99 = await p99s.GetAsync(root.Service, root.Name);
        }

        if (sampler.Decide(trace, rootP99, pending.ErrorLog) is not { } reason)
        {
            return;
        }

        // Spans that straggle in after a completion make a new trace in progress holding only them; the view kept
        // by the first completion is the fuller one, so it is not overwritten.
        GrainId id = GrainFactory.GetGrain<ITraceGrain>(pending.TraceId).GetGrainId();
        var stored = new GrainState<KeptTrace>(new KeptTrace());
        await Storage.ReadStateAsync(TraceGrain.StateName, id, stored);
        if (!stored.RecordExists || stored.State?.View is null)
        {
            var view = trace.ToView(pending.TraceId, reason);
            await Storage.WriteStateAsync(TraceGrain.StateName, id, new GrainState<KeptTrace>(new KeptTrace { View = view }));
        }
    }
}
