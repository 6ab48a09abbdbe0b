using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Traces;

namespace OtlpGrains.Grains.Traces;

/// <summary>
/// One trace while its spans arrive: gathers them, and after <see cref="TraceOptions.IdleSeconds"/> without a new
/// span completes it: edge calls go to the client services, tail sampling decides, a kept trace is stored, and the
/// activation goes away. Storage is touched only for kept traces, so dropped ones cost no I/O.
/// </summary>
internal sealed class TraceGrain(
    IOptions<TraceOptions> options,
    TailSampler sampler,
    EdgeCallBuffer edges,
    OperationP99Cache p99s,
    GrainInstruments instruments) : Grain, ITraceGrain
{
    private const string StateName = "kept";
    private readonly TimeSpan _idle = TimeSpan.FromSeconds(options.Value.IdleSeconds);
    private TraceAssembler? _assembler;
    private IGrainTimer? _idleTimer;
    private TraceView? _kept;
    private bool _errorLog;

    private IGrainStorage Storage => ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.KeptTraces);

    public ValueTask AddSpansAsync(TraceSpanBatch batch)
    {
        _assembler ??= new TraceAssembler(options.Value.MaxSpans);
        var cut = _assembler.CutSpans;
        _assembler.Add(batch.Spans);
        instruments.SpansCut(_assembler.CutSpans - cut);
        RestartIdleTimer();
        return ValueTask.CompletedTask;
    }

    public ValueTask MarkErrorLogAsync()
    {
        // The log may come before the trace's spans: the activation waits for them like for any span.
        _errorLog = true;
        _assembler ??= new TraceAssembler(options.Value.MaxSpans);
        RestartIdleTimer();
        return ValueTask.CompletedTask;
    }

    private void RestartIdleTimer()
    {
        if (_idleTimer is null)
        {
            _idleTimer = this.RegisterGrainTimer(CompleteAsync, new GrainTimerCreationOptions(_idle, Timeout.InfiniteTimeSpan));
        }
        else
        {
            _idleTimer.Change(_idle, Timeout.InfiniteTimeSpan);
        }
    }

    public async ValueTask<TraceView?> GetKeptAsync()
    {
        if (_kept is not null)
        {
            return _kept;
        }

        var state = new GrainState<KeptTrace>(new KeptTrace());
        await Storage.ReadStateAsync(StateName, GrainContext.GrainId, state);
        if (_assembler is null)
        {
            // A query-only activation: nothing to keep in memory.
            DeactivateOnIdle();
        }

        return state.RecordExists ? state.State?.View : null;
    }

    private async Task CompleteAsync(CancellationToken cancellationToken)
    {
        var trace = _assembler;
        if (trace is null)
        {
            return;
        }

        _idleTimer?.Dispose();
        _idleTimer = null;
        if (trace.Count == 0)
        {
            // Only an error-log mark came, and no span in the idle time: nothing to keep.
            _assembler = null;
            DeactivateOnIdle();
            return;
        }

        edges.Add(trace.DrainEdgeCalls(final: true));

        double? rootP99 = null;
        if (!trace.HasError && trace.Root is { } root)
        {
            rootP99 = await p99s.GetAsync(root.Service, root.Name);
        }

        var reason = sampler.Decide(trace, rootP99, _errorLog);
        if (reason is not null)
        {
            // Spans that straggle in after a completion start a new activation holding only them; the view kept
            // by the first completion is the fuller one, so it is not overwritten.
            var stored = new GrainState<KeptTrace>(new KeptTrace());
            await Storage.ReadStateAsync(StateName, GrainContext.GrainId, stored);
            if (stored.RecordExists && stored.State?.View is { } earlier)
            {
                _kept = earlier;
            }
            else
            {
                _kept = trace.ToView(this.GetPrimaryKeyString(), reason);
                await Storage.WriteStateAsync(StateName, GrainContext.GrainId, new GrainState<KeptTrace>(new KeptTrace { View = _kept }));
            }
        }

        _assembler = null;
        DeactivateOnIdle();
    }
}
