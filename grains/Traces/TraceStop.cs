using Microsoft.Extensions.Logging;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Traces;

/// <summary>
/// The trace shards' part in a silo's graceful stop, in three steps of the silo's lifecycle:
/// <list type="number">
/// <item>Before anything stops (just above <see cref="ServiceLifecycleStage.Active"/>), every trace shard of this
/// silo completes all it holds while the grains it calls are active: the p99 is asked, kept traces are stored, and
/// the edge calls are flushed to service grains that will checkpoint them. Then the edge-call buffer holds what
/// comes later, since the service grains are about to deactivate.</item>
/// <item>While every grain deactivates, each shard finishes what arrived since (<see cref="TraceShardGrain"/>).</item>
/// <item>Once all grains are gone (Orleans 10 deactivates them between the stops of
/// <see cref="ServiceLifecycleStage.BecomeActive"/> and 1000 stages below it, as a probe of each stage showed), in the
/// stop of <see cref="ServiceLifecycleStage.ApplicationServices"/>, where messages still reach peer silos, the held
/// edge calls go to a peer or are counted, and one line sums up the stop.</item>
/// </list>
/// </summary>
internal sealed partial class TraceStop(
    IGrainFactory grains,
    LocalTraceShards local,
    EdgeCallBuffer edges,
    ActivePeers peers,
    ILogger<TraceStop> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How long the first step waits for the shards; what is left is finished as they deactivate.</summary>
    private static readonly TimeSpan DrainWait = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly CompletionPass _drained = CompletionPass.Total();
    private readonly HashSet<long> _shards = [];
    private long _sentBefore;
    private string? _drainFailure;

    public void Participate(ISiloLifecycle lifecycle)
    {
        lifecycle.Subscribe(nameof(TraceStop) + ".Drain", ServiceLifecycleStage.Active + 1, _ => Task.CompletedTask, DrainAsync);
        lifecycle.Subscribe(nameof(TraceStop), ServiceLifecycleStage.ApplicationServices, _ => Task.CompletedTask, StoppedAsync);
    }

    /// <summary>A shard's drain, when the stop began or as it deactivated.</summary>
    public void Add(long shard, CompletionPass drain)
    {
        lock (_gate)
        {
            _drained.Add(drain);
            _shards.Add(shard);
        }
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        _sentBefore = edges.Sent;
        try
        {
            await Task.WhenAll(local.Snapshot().Select(shard => grains.GetGrain<ITraceShardGrain>(shard).DrainAsync().AsTask()))
                .WaitAsync(DrainWait, cancellationToken);
        }
        catch (Exception exception)
        {
            // The shards finish the rest as they deactivate; the stop line says why the early drain fell short.
            _drainFailure = exception.Message;
        }

        await edges.FlushAsync();
        edges.Hold();
    }

    private async Task StoppedAsync(CancellationToken cancellationToken)
    {
        var handOver = await edges.CloseAsync(peers.Any());
        long handedOn = edges.Sent - _sentBefore;
        CompletionPass drained;
        int shards;
        lock (_gate)
        {
            drained = _drained;
            shards = _shards.Count;
        }

        if (drained.Lost || handOver.Dropped > 0)
        {
            LogStoppedWithLosses(logger, shards, drained.Completed, drained.Kept, drained.Stored, drained.NotStored, drained.WithoutP99,
                handedOn, handOver.Dropped, drained.Failure ?? handOver.Failure ?? _drainFailure ?? "no other silo is active");
        }
        else
        {
            LogStopped(logger, shards, drained.Completed, drained.Kept, drained.Stored, handedOn);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Trace shards stopped: {Shards} shards completed {Completed} traces in progress, kept {Kept}, stored {Stored}; {EdgeCalls} edge calls handed on")]
    private static partial void LogStopped(ILogger logger, int shards, int completed, int kept, int stored, long edgeCalls);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Trace shards stopped: {Shards} shards completed {Completed} traces in progress, kept {Kept}, stored {Stored}, could not store {NotStored}, judged {WithoutP99} without their p99; {EdgeCalls} edge calls handed on, {EdgeCallsDropped} dropped ({Reason})")]
    private static partial void LogStoppedWithLosses(ILogger logger, int shards, int completed, int kept, int stored, int notStored, int withoutP99, long edgeCalls, long edgeCallsDropped, string reason);
}
