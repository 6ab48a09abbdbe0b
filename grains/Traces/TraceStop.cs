using Microsoft.Extensions.Logging;

namespace OtlpGrains.Grains.Traces;

/// <summary>
/// The trace shards' part in a silo's graceful stop. Before the grains deactivate, the edge-call buffer holds what
/// it gathers (the service grains are deactivating too); each shard's drain adds its counts here; once every grain
/// has deactivated (Orleans 10 deactivates them all between the stops of <see cref="ServiceLifecycleStage.BecomeActive"/>
/// and 1000 stages below it, as a probe of each stage showed), in the stop of
/// <see cref="ServiceLifecycleStage.ApplicationServices"/>, where messages still reach peer silos, the held edge
/// calls go to a peer or are counted, and one line sums up what the drains kept and lost.
/// </summary>
internal sealed partial class TraceStop(EdgeCallBuffer edges, ActivePeers peers, ILogger<TraceStop> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly Lock _gate = new();
    private readonly CompletionPass _drained = CompletionPass.Total();
    private int _shards;

    public void Participate(ISiloLifecycle lifecycle)
    {
        lifecycle.Subscribe(nameof(TraceStop) + ".Hold", ServiceLifecycleStage.BecomeActive + 1, _ => Task.CompletedTask, _ =>
        {
            edges.Hold();
            return Task.CompletedTask;
        });
        lifecycle.Subscribe(nameof(TraceStop), ServiceLifecycleStage.ApplicationServices, _ => Task.CompletedTask, StoppedAsync);
    }

    /// <summary>A shard's drain, as it deactivated while the silo stopped.</summary>
    public void Add(CompletionPass drain)
    {
        lock (_gate)
        {
            _drained.Add(drain);
            _shards++;
        }
    }

    private async Task StoppedAsync(CancellationToken cancellationToken)
    {
        var handedOn = await edges.CloseAsync(peers.Any());
        CompletionPass drained;
        int shards;
        lock (_gate)
        {
            drained = _drained;
            shards = _shards;
        }

        if (drained.Lost || handedOn.Dropped > 0)
        {
            LogStoppedWithLosses(logger, shards, drained.Completed, drained.Kept, drained.Stored, drained.NotStored, drained.WithoutP99,
                handedOn.Sent, handedOn.Dropped, drained.Failure ?? handedOn.Failure ?? "no other silo is active");
        }
        else
        {
            LogStopped(logger, shards, drained.Completed, drained.Kept, drained.Stored, handedOn.Sent);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Trace shards stopped: {Shards} shards completed {Completed} traces in progress, kept {Kept}, stored {Stored}; {EdgeCalls} edge calls handed on")]
    private static partial void LogStopped(ILogger logger, int shards, int completed, int kept, int stored, long edgeCalls);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Trace shards stopped: {Shards} shards completed {Completed} traces in progress, kept {Kept}, stored {Stored}, could not store {NotStored}, judged {WithoutP99} without their p99; {EdgeCalls} edge calls handed on, {EdgeCallsDropped} dropped ({Reason})")]
    private static partial void LogStoppedWithLosses(ILogger logger, int shards, int completed, int kept, int stored, int notStored, int withoutP99, long edgeCalls, long edgeCallsDropped, string reason);
}
