using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtlpGrains.Grains.Workloads;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Joins;
using OtlpGrains.Models.Traces;

namespace OtlpGrains.Grains.Traces;

/// <summary>
/// The traces in progress of one shard. Spans arrive batched per request; a sweep a few times per idle period
/// completes the traces that heard nothing for <see cref="TraceOptions.IdleSeconds"/>: edge calls go to the client
/// services, tail sampling decides, and a kept trace goes to the <see cref="IKeptTraceStore"/>. The store is touched
/// only for kept traces, so dropped ones cost no I/O, and no trace costs an activation.
/// </summary>
/// <remarks>
/// A request joined across nodes (<see cref="IJoinShardGrain"/>) moves its server trace out of this shard into the
/// client trace's shard, the server span under the client span; the shard remembers the move, so that the server
/// trace's later spans follow it. Edge calls to a virtual node that the workload directory names go to that service.
/// <para>
/// A failed p99 lookup or store write costs the trace its slow criterion or its kept view, never the rest of the
/// pass or the ingest call that completed it early: both are counted, and logged at most once a minute per shard.
/// When the silo stops, the shard completes everything it holds, first while the silo is still active
/// (<see cref="DrainAsync"/>), then what arrived since as it deactivates; <see cref="TraceStop"/> reports the drains
/// in one line.
/// </para>
/// </remarks>
internal sealed partial class TraceShardGrain(
    IOptions<TraceOptions> options,
    TailSampler sampler,
    EdgeCallBuffer edges,
    OperationP99Cache p99s,
    IKeptTraceStore store,
    TraceStop stop,
    LocalTraceShards local,
    ActivePeers peers,
    WorkloadNameCache workloads,
    GrainInstruments instruments,
    TimeProvider time,
    ILogger<TraceShardGrain> logger) : Grain, ITraceShardGrain
{
    private readonly TimeSpan _idle = TimeSpan.FromSeconds(options.Value.IdleSeconds);
    private readonly PendingTraces _pending = new(options.Value.MaxSpans, Math.Max(1, options.Value.MaxPendingTraces / TraceShards.Count));
    private readonly CompletionLosses _losses = new(time);

    // The traces kept lately, so that their stragglers are kept as further parts (a kept trace stays whole).
    private readonly KeptContinuations _continuations = new(4096);

    // Server traces joined into client traces (a join shard paired their requests): their spans follow the move.
    private readonly TraceMoves _moves = new(16_384);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A quarter of the idle time between sweeps: a trace completes between 1 and 1.25 idle times after its last span.
        var every = TimeSpan.FromTicks(Math.Clamp(_idle.Ticks / 4, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerSecond));
        this.RegisterGrainTimer(SweepAsync, every, every);
        local.Add(this.GetPrimaryKeyLong());
        return base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The silo is leaving (or the shard moves): finish what is here rather than lose it. A graceful stop drained
        // the shard already (DrainAsync); what came since is finished now, while every grain deactivates. A grain
        // call made then with no peer left fails (and Orleans logs it with a stack trace), so this drain makes none:
        // the p99 comes from the cache, and only a store that needs no grain (PostgreSQL) is given the kept traces.
        local.Remove(this.GetPrimaryKeyLong());
        bool stopping = reason.ReasonCode == DeactivationReasonCode.ShuttingDown;
        var drain = stopping
            ? CompletionPass.Stopping(peers.Any(), storeNeedsGrains: store.NeedsGrains)
            : CompletionPass.Running();
        foreach (PendingTrace trace in _pending.TakeAll())
        {
            await CompleteAsync(trace, drain);
        }

        if (stopping)
        {
            stop.Add(this.GetPrimaryKeyLong(), drain);
        }
        else
        {
            // Rare (a shard moves, or the directory lost its entry): worth a line when it held traces.
            if (drain.Completed > 0)
            {
                LogDrained(logger, this.GetPrimaryKeyLong(), reason.ReasonCode, drain.Completed, drain.Kept, drain.Stored);
            }

            Report(drain);
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public ValueTask AddSpansAsync(TraceShardBatch batch) => AddAsync(batch, adopted: false);

    public ValueTask AdoptSpansAsync(TraceShardBatch batch) => AddAsync(batch, adopted: true);

    public async ValueTask MoveTracesAsync(TraceMove[] moves)
    {
        List<TraceSpanBatch>? moved = null;
        foreach (TraceMove move in moves)
        {
            if (_moves.Add(move) && _pending.Take(move.ServerTrace) is { } server)
            {
                // An error-log mark on the server trace stays behind: the agent's traces have no logs of their own.
                (moved ??= []).Add(new TraceSpanBatch(move.ClientTrace, TraceMoves.Relink(server.Assembler.Spans, move)));
            }
        }

        if (moved is not null)
        {
            await SendToClientTracesAsync(moved);
        }
    }

    private async ValueTask AddAsync(TraceShardBatch batch, bool adopted)
    {
        long now = time.GetTimestamp();
        long cut = _pending.CutSpans;
        CompletionPass? early = null;
        List<TraceSpanBatch>? moved = null;
        foreach (TraceSpanBatch trace in batch.Traces)
        {
            if (_moves.Count > 0 && _moves.TryGet(trace.TraceId, out TraceMove move))
            {
                // Spans of a server trace that moved: they follow it into the client trace.
                (moved ??= []).Add(new TraceSpanBatch(move.ClientTrace, TraceMoves.Relink(trace.Spans, move)));
                continue;
            }

            if (adopted && !_pending.Contains(trace.TraceId))
            {
                // The client trace completed before its server half came: the spans are a later part of it.
                instruments.JoinsLate(1);
            }

            if (_pending.Add(trace.TraceId, trace.Spans, now) is { } full)
            {
                instruments.TracesCompletedEarly(1);
                await CompleteAsync(full, early ??= CompletionPass.Running());
            }
        }

        instruments.SpansCut(_pending.CutSpans - cut);
        Report(early);
        if (moved is not null)
        {
            await SendToClientTracesAsync(moved);
        }
    }

    /// <summary>
    /// Hands moved spans to their client traces: this shard's own at once, other shards' without waiting for them,
    /// since two shards that waited on each other's moves would deadlock (a grain takes one call at a time).
    /// </summary>
    private async Task SendToClientTracesAsync(List<TraceSpanBatch> moved)
    {
        long self = this.GetPrimaryKeyLong();
        foreach (var group in moved.GroupBy(t => TraceShards.Of(t.TraceId)))
        {
            var batch = new TraceShardBatch(Guid.NewGuid(), [.. group]);
            if (group.Key == self)
            {
                await AddAsync(batch, adopted: true);
            }
            else
            {
                _ = AdoptElsewhereAsync(GrainFactory.GetGrain<ITraceShardGrain>(group.Key), batch);
            }
        }
    }

    private async Task AdoptElsewhereAsync(ITraceShardGrain shard, TraceShardBatch batch)
    {
        try
        {
            await shard.AdoptSpansAsync(batch);
        }
        catch (Exception exception)
        {
            instruments.JoinMovesFailed(batch.Traces.Length);
            LogMoveFailed(logger, batch.Traces.Length, exception.Message);
        }
    }

    public async ValueTask MarkErrorLogsAsync(TraceKey[] traceIds)
    {
        long now = time.GetTimestamp();
        CompletionPass? early = null;
        foreach (TraceKey traceId in traceIds)
        {
            if (_pending.MarkErrorLog(traceId, now) is { } full)
            {
                instruments.TracesCompletedEarly(1);
                await CompleteAsync(full, early ??= CompletionPass.Running());
            }
        }

        Report(early);
    }

    public async ValueTask DrainAsync()
    {
        var drain = CompletionPass.Running();
        foreach (PendingTrace trace in _pending.TakeAll())
        {
            await CompleteAsync(trace, drain);
        }

        stop.Add(this.GetPrimaryKeyLong(), drain);
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        long idleSince = time.GetTimestamp() - (long)(_idle.TotalSeconds * time.TimestampFrequency);
        var sweep = CompletionPass.Running();
        foreach (PendingTrace trace in _pending.TakeIdle(idleSince))
        {
            await CompleteAsync(trace, sweep);
        }

        Report(sweep);
    }

    private async Task CompleteAsync(PendingTrace pending, CompletionPass pass)
    {
        TraceAssembler trace = pending.Assembler;
        if (trace.Count == 0)
        {
            // Only an error-log mark came, and no span in the idle time: nothing to keep.
            return;
        }

        pass.Completed++;
        edges.Add(workloads.Name(trace.DrainEdgeCalls(final: true)));

        double? rootP99 = null;
        if (!trace.HasError && trace.Root is { } root)
        {
            rootP99 = await RootP99Async(root.Service, root.Name, pass);
        }

        // Spans of a trace kept earlier that came after it completed: kept as its next part, whatever the sampler says
        // of them alone. A trace with all its parts kept keeps no more, and that is counted.
        var continued = _continuations.WasKept(pending.Key);
        if ((sampler.Decide(trace, rootP99, pending.ErrorLog) ?? (continued ? KeptContinuations.Reason : null)) is not { } reason)
        {
            return;
        }

        if (_continuations.NextPart(pending.Key) is not { } part)
        {
            instruments.TraceContinuationsDropped(1);
            return;
        }

        pass.Kept++;
        if (!pass.Store)
        {
            pass.NotStored++;
            instruments.KeptTracesNotStored(1);
            return;
        }

        try
        {
            await store.KeepAsync(KeptContinuations.KeyOf(pending.TraceId, part), trace.ToView(pending.TraceId, reason));
            _continuations.Kept(pending.Key, part);
            pass.Stored++;
        }
        catch (Exception exception)
        {
            pass.StoreFailed(exception);
            instruments.KeptTracesNotStored(1);
        }
    }

    private async ValueTask<double?> RootP99Async(string service, string operation, CompletionPass pass)
    {
        if (pass.AskP99)
        {
            try
            {
                return await p99s.GetAsync(service, operation);
            }
            catch (Exception exception)
            {
                pass.P99Failed(exception);
                instruments.TracesWithoutP99(1);
                return null;
            }
        }

        if (p99s.TryGetLast(service, operation, out var last))
        {
            return last;
        }

        pass.WithoutP99++;
        instruments.TracesWithoutP99(1);
        return null;
    }

    /// <summary>Logs what passes lost, at most once a minute per shard, with the counts since the last line.</summary>
    private void Report(CompletionPass? pass)
    {
        if (_losses.Add(pass) is { } lost)
        {
            LogCompletionLosses(logger, this.GetPrimaryKeyLong(), lost.NotStored, lost.WithoutP99, lost.Failure ?? "unknown");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not move the spans of {Count} joined traces to their client traces' shard: {Reason}")]
    private static partial void LogMoveFailed(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Trace shard {Shard} deactivated ({Reason}): completed {Completed} traces in progress, kept {Kept}, stored {Stored}")]
    private static partial void LogDrained(ILogger logger, long shard, DeactivationReasonCode reason, int completed, int kept, int stored);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Trace shard {Shard}: {NotStored} kept traces could not be stored and {WithoutP99} traces were judged without their p99 (never slow) since the last report: {Reason}")]
    private static partial void LogCompletionLosses(ILogger logger, long shard, int notStored, int withoutP99, string reason);
}
