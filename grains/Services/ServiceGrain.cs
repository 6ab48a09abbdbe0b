using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Serialization.Invocation;
using Orleans.Streams;
using OtlpGrains.Grains.Anomalies;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Thresholds;
using OtlpGrains.Models.Incidents;
using OtlpGrains.Models.Logs;
using OtlpGrains.Models.Services;

namespace OtlpGrains.Grains.Services;

/// <summary>
/// A service's rolling state. The arithmetic lives in <see cref="ServiceStatistics"/>; the grain registers the
/// service in the catalog, skips batches it already took, scores the windows each batch closed
/// (<see cref="ServiceDetection"/>, with the versions <see cref="ScoringModels"/> names), publishes the anomalies on
/// the <c>anomalies</c> stream, hands the windows to the <see cref="IWindowCloseSink"/>, and - with durable storage -
/// logs each batch before counting it, checkpoints its state and detection with the log position, and replays the
/// log after a crash (scoring the replayed windows again, batch by batch, as the lost process did).
/// </summary>
// Always active: in memory mode the state lives only here; in durable mode reactivating costs a replay.
[CollectionAgeLimit(AlwaysActive = true)]
[MayInterleave(nameof(IsIngest))]
internal sealed partial class ServiceGrain(
    [PersistentState(ServiceCheckpoint.StateName, StorageNames.Services)] IPersistentState<ServiceCheckpoint> checkpoint,
    IServiceBatchLog log,
    IServiceWindowStore windows,
    IWindowCloseSink sink,
    ScoringModels models,
    ModelScoreReporter reporter,
    GrainInstruments instruments,
    IOptions<ServiceWindowOptions> options,
    TimeProvider time,
    ILogger<ServiceGrain> logger) : Grain, IServiceGrain, IRemindable
{
    private const string HousekeepingReminder = "housekeeping";
    private const int ReplayPage = 500;

    private ServiceStatistics _statistics = null!;
    private ServiceDetection _detection = null!;
    private RecentBatchIds _recent = null!;

    // Not in the checkpoint: the API's window on the latest records, refilled by what arrives (and by a replay).
    private readonly RecentLogs _recentLogs = new();
    private readonly TemplateExemplars _exemplars = new();
    private long _applied;
    private long _checkpointed;

    // Changes since the last checkpoint that are not logged batches (edge calls, windows closed on idleness): they
    // advance no log position, and without this a checkpoint that finds no new batch (at a graceful stop, say) would
    // skip them.
    private bool _unloggedSinceCheckpoint;

    // Not state: when each signal last received a batch, on the wall clock.
    private IdleSignals _idle = null!;

    // The ingest path (see TakeAsync): the last log number handed to an append, the epoch this activation fenced the
    // log with, the batches and checkpoints in order, the batches whose appends are in flight, and whether one failed
    // (the activation is then on its way out).
    private long _reserved;
    private long _epoch;
    private Task _inOrder = Task.CompletedTask;
    private readonly Dictionary<Guid, Task> _inFlight = [];
    private bool _appendFailed;

    // Where each signal's retained windows began at the last checkpoint: the store may drop what starts earlier.
    private IReadOnlyList<WindowRetention> _retainedAtCheckpoint = [];

    private string Name => this.GetPrimaryKeyString();

    /// <summary>
    /// Ingest calls interleave, so that while one batch's append waits for its group commit the next batches of this
    /// service join the following groups; <see cref="TakeAsync"/> keeps counting in log order.
    /// </summary>
    public static bool IsIngest(IInvokable request) =>
        request.GetMethodName() is nameof(IngestSpansAsync) or nameof(IngestMetricsAsync) or nameof(IngestLogsAsync);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _idle = new IdleSignals(TimeSpan.FromSeconds(options.Value.IdleCloseSeconds), time);
        await GrainFactory.GetGrain<IServiceCatalogGrain>(IServiceCatalogGrain.DefaultKey).RegisterAsync(Name);
        if (log.IsDurable && checkpoint.RecordExists && checkpoint.State.Statistics is { } restored)
        {
            restored.AttachClock(time);

            // The head carries the windows that may still change; the sealed ones it counts as stored come back here.
            restored.RestoreStored(await windows.ReadAsync(Name, cancellationToken));
            _statistics = restored;
            _detection = checkpoint.State.Detection ?? new ServiceDetection();
            _recent = checkpoint.State.RecentBatchIds ?? new RecentBatchIds();
            _applied = _checkpointed = checkpoint.State.AppliedSequence;
        }
        else
        {
            _statistics = new ServiceStatistics(options.Value, time);
            _detection = new ServiceDetection();
            _recent = new RecentBatchIds();
        }

        // The first windows are scored with the registry's production version, not the built-in one, when it has one.
        await models.WhenAskedAsync();

        if (log.IsDurable)
        {
            // Before the replay: once fenced, no append of an earlier activation of this service can still commit, so
            // the replay sees every batch, and none can appear later below this activation's position.
            _epoch = await log.FenceAsync(Name, cancellationToken);
            await ReplayAsync(cancellationToken);
            _reserved = _applied;
            var every = TimeSpan.FromSeconds(options.Value.CheckpointSeconds);
            this.RegisterGrainTimer(CheckpointInOrderAsync, every, every);
            await this.RegisterOrUpdateReminder(HousekeepingReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), cancellationToken);
        }

        if (options.Value.IdleCloseSeconds > 0)
        {
            var check = TimeSpan.FromSeconds(Math.Max(1, options.Value.IdleCloseSeconds / 3.0));
            this.RegisterGrainTimer(CloseIdleInOrderAsync, check, check);
        }

        await base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A graceful shutdown drains here: whatever was counted is checkpointed before the silo leaves.
        if (log.IsDurable)
        {
            try
            {
                await CheckpointInOrderAsync(cancellationToken);
            }
            catch (Exception exception)
            {
                LogCheckpointFailed(logger, Name, exception.Message);
            }
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public ValueTask IngestSpansAsync(ServiceSpanBatch batch) => TakeAsync(new LoggedBatch(batch.BatchId, batch, null, null));

    public ValueTask IngestMetricsAsync(ServiceMetricBatch batch) => TakeAsync(new LoggedBatch(batch.BatchId, null, batch, null));

    public ValueTask IngestLogsAsync(ServiceLogBatch batch) => TakeAsync(new LoggedBatch(batch.BatchId, null, null, batch));

    public ValueTask AddEdgeCallsAsync(EdgeCall[] calls)
    {
        // Edge calls come from trace grains, whose state a crash may drop anyway; they are not logged.
        var before = _statistics.Drops;
        _statistics.AddEdgeCalls(calls);
        _unloggedSinceCheckpoint = true;
        instruments.Refused(_statistics.Drops.Since(before));
        return ValueTask.CompletedTask;
    }

    public ValueTask<ServiceSummary> GetSummaryAsync()
    {
        AnomalyStatus status = _detection.Status();
        return ValueTask.FromResult(_statistics.Summary(Name) with { AnomalyScore = status.Score, Status = status.Status, Model = status.Model });
    }

    public ValueTask<ServiceDetail> GetDetailAsync(DateTimeOffset? rangeStart, DateTimeOffset? rangeEnd)
    {
        AnomalyStatus status = _detection.Status();
        return ValueTask.FromResult(_statistics.Detail(Name, rangeStart, rangeEnd) with { AnomalyScore = status.Score, Status = status.Status, Model = status.Model });
    }

    public ValueTask<AnomalyEvent[]> GetAnomaliesAsync(DateTimeOffset? since) => ValueTask.FromResult(_detection.EventsSince(since));

    public ValueTask<AnomalyScoring[]> GetAnomalyScoringAsync() =>
        ValueTask.FromResult<AnomalyScoring[]>([.. _detection.Spans.Runs, .. _detection.Metrics.Runs]);

    public ValueTask<WindowSnapshot[]> GetWindowsAsync(DateTimeOffset? rangeStart, DateTimeOffset? rangeEnd) =>
        ValueTask.FromResult(_statistics.Windows(rangeStart, rangeEnd));

    public ValueTask<RetainedLog[]> GetLogsAsync(LogQuery query) => ValueTask.FromResult(_recentLogs.Find(query));

    public ValueTask<LogTemplateSummary[]> GetLogTemplatesAsync(DateTimeOffset? rangeStart, DateTimeOffset? rangeEnd) =>
        ValueTask.FromResult(LogTemplatesView.Build(_statistics, _detection.Logs, _exemplars, rangeStart, rangeEnd));

    public ValueTask<ServiceEvidence> GetEvidenceAsync(DateTimeOffset rangeStart, DateTimeOffset rangeEnd, DateTimeOffset baselineStart, DateTimeOffset baselineEnd) =>
        ValueTask.FromResult(ServiceEvidenceView.Build(Name, _statistics, _detection.Logs.Patterns.Patterns, rangeStart, rangeEnd, baselineStart, baselineEnd));

    public ValueTask<ServiceTotals> GetTotalsAsync() => ValueTask.FromResult(_statistics.Totals);

    public ValueTask<ServiceScrape> GetScrapeAsync() => ValueTask.FromResult(new ServiceScrape(_statistics.Totals, _detection.Status()));

    public ValueTask<EdgeStats[]> GetDownstreamAsync() => ValueTask.FromResult(_statistics.Downstream(Name));

    public ValueTask<double?> GetOperationP99Async(string operation) => ValueTask.FromResult(_statistics.OperationP99(operation));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != HousekeepingReminder)
        {
            return;
        }

        await CheckpointInOrderAsync(CancellationToken.None);
        var retention = TimeSpan.FromSeconds(options.Value.AppliedBatchRetentionSeconds);
        var pruned = await log.PruneAsync(Name, _checkpointed, retention, CancellationToken.None);
        if (pruned > 0)
        {
            LogPruned(logger, Name, pruned);
        }

        var prunedWindows = await windows.PruneAsync(Name, _retainedAtCheckpoint, CancellationToken.None);
        if (prunedWindows > 0)
        {
            LogPrunedWindows(logger, Name, prunedWindows);
        }
    }

    /// <summary>
    /// Takes a batch: skips it when this service took it before, appends it to the log under the next number (durable
    /// mode), and counts it once the append is committed. Appends of several calls are in flight at once (ingest calls
    /// interleave), but each batch is counted only after the one numbered before it, so live counting follows log
    /// order as a replay does.
    /// </summary>
    private async ValueTask TakeAsync(LoggedBatch batch)
    {
        if (_appendFailed)
        {
            throw new InvalidOperationException($"service {Name} is restarting after a failed append to its log; retry the request");
        }

        _idle.Arrived(batch.Spans is not null ? WindowSignal.Spans : batch.Metrics is not null ? WindowSignal.Metrics : WindowSignal.Logs);
        if (_recent.Contains(batch.BatchId))
        {
            return; // a retry of a request this service already counted
        }

        if (_inFlight.TryGetValue(batch.BatchId, out var first))
        {
            // A retry of a batch still in flight is answered as that batch is, never before its commit.
            await first;
            return;
        }

        // The number is taken now, in arrival order; a failed or duplicate append leaves it unused (a gap in the log,
        // which a replay skips), and no number is handed out twice by one activation.
        long sequence = log.IsDurable ? ++_reserved : 0;
        Task<bool> appended;
        try
        {
            appended = log.AppendAsync(Name, sequence, batch, _epoch, CancellationToken.None);
        }
        catch (Exception exception)
        {
            appended = Task.FromException<bool>(exception); // failed before it started: handled as any failed append
        }

        Task taken = CountInOrderAsync(_inOrder, batch, sequence, appended);
        _inOrder = taken;
        _inFlight[batch.BatchId] = taken;
        try
        {
            await taken;
        }
        finally
        {
            _inFlight.Remove(batch.BatchId);
        }
    }

    // A batch id joins _recent only here, once its batch is counted (or known to be in the log), never while its
    // append is in flight: a checkpoint written meanwhile must not claim a batch its state does not hold.
    private async Task CountInOrderAsync(Task before, LoggedBatch batch, long sequence, Task<bool> appended)
    {
        // Whatever happened to the batch before, this one's turn comes after it.
        await before.ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.SuppressThrowing);
        bool inserted;
        try
        {
            inserted = await appended;
        }
        catch
        {
            // Whether the batch reached the log is unknown: start over from the checkpoint and the log, which
            // settle it, and let the sender retry (its retry is recognised if the batch did get in).
            _appendFailed = true;
            DeactivateOnIdle();
            throw;
        }

        if (_appendFailed)
        {
            // Committed (or logged before), but after a batch whose fate is unknown: counting it now could put it
            // before that one. The checkpoint stays before the failed batch; the next activation replays the log.
            return;
        }

        _recent.TryAdd(batch.BatchId);
        if (!inserted)
        {
            // Logged before this activation fenced the log, so its replay or its checkpoint holds it (it is older than
            // _recent remembers). Without the fence this would not hold: see IServiceBatchLog.
            return;
        }

        if (log.IsDurable)
        {
            _applied = sequence;
        }

        var watermarks = _statistics.Watermarks;
        Apply(batch);
        await HandOverClosedWindowsAsync(watermarks);
    }

    private void Apply(LoggedBatch batch)
    {
        var before = _statistics.Drops;
        Count(batch);
        instruments.Refused(_statistics.Drops.Since(before));
    }

    private void Count(LoggedBatch batch)
    {
        if (batch.Spans is { } spans)
        {
            _statistics.AddSpans(spans);
        }
        else if (batch.Metrics is { } metrics)
        {
            _statistics.AddMetrics(metrics);
        }
        else if (batch.Logs is { } logs)
        {
            int[] templates = _statistics.AddLogs(logs);
            _recentLogs.Add(logs.Logs, templates);
            _exemplars.Add(logs.Logs, templates);
        }
    }

    private async Task ReplayAsync(CancellationToken cancellationToken)
    {
        long replayed = 0;
        while (true)
        {
            var page = await log.ReadAfterAsync(Name, _applied, ReplayPage, _epoch, cancellationToken);
            foreach (var (sequence, batch) in page)
            {
                _recent.TryAdd(batch.BatchId);
                var before = _statistics.Watermarks;
                Apply(batch);
                _applied = sequence;
                replayed++;

                // Batch by batch, as when the batches came in: a window's detectedAt comes from the watermarks around
                // the batch that closed it, so the replayed events equal the lost ones.
                await HandOverClosedWindowsAsync(before);
            }

            if (page.Count < ReplayPage)
            {
                break;
            }
        }

        if (replayed > 0)
        {
            LogReplayed(logger, Name, replayed, _checkpointed, _applied);
        }
    }

    /// <summary>
    /// Closes the windows of the signals that went idle (<see cref="IdleSignals"/>), in line with the batches as a
    /// checkpoint is, and scores them as if a later event had closed them, known at the time
    /// <see cref="IdleSignals.DetectedAt"/> reckons. No batch did it, so the log cannot replay it: in durable mode a
    /// checkpoint follows at once, and a crash before it only leaves the windows to close again one idle time later.
    /// </summary>
    private Task CloseIdleInOrderAsync(CancellationToken cancellationToken)
    {
        if (_appendFailed || !_idle.Idle().Any(_statistics.HasOpenWindows))
        {
            return Task.CompletedTask; // the common tick: nothing idle, or nothing left open
        }

        Task closed = AfterAsync(_inOrder, cancellationToken);
        _inOrder = closed;
        return closed;

        async Task AfterAsync(Task before, CancellationToken cancellationToken)
        {
            await before.ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.SuppressThrowing);
            if (_appendFailed)
            {
                return;
            }

            // Checked again: a batch may have arrived while the ones before were counted.
            var idle = _idle.Idle().Where(_statistics.HasOpenWindows).ToList();
            if (idle.Count == 0)
            {
                return;
            }

            int closedWindows = 0;
            foreach (WindowSignal signal in idle)
            {
                closedWindows += _statistics.CloseIdle(signal);
            }

            instruments.IdleClosedWindows(closedWindows);

            _unloggedSinceCheckpoint = true;
            var watermarks = _statistics.Watermarks;
            await HandOverAsync(_statistics.TakeClosedWindows(), window =>
                _idle.DetectedAt(WatermarkOf(watermarks, window.Signal) ?? window.EndUnixNano, window.EndUnixNano, CloseDelayNanos));
            if (log.IsDurable)
            {
                try
                {
                    await CheckpointAsync(cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The close stays marked unlogged, so the next checkpoint (timer, reminder or stop) writes it.
                    LogIdleCheckpointFailed(logger, Name, exception.Message);
                }
            }
        }
    }

    private long CloseDelayNanos => options.Value.CloseDelaySeconds * 1_000_000_000L;

    private static long? WatermarkOf((long? Spans, long? Edges, long? Metrics, long? Logs) watermarks, WindowSignal signal) => signal switch
    {
        WindowSignal.Spans => watermarks.Spans,
        WindowSignal.Metrics => watermarks.Metrics,
        _ => watermarks.Logs,
    };

    // The windows a batch closed, known when IdleSignals.KnownAt says from the watermarks before and after it. Most
    // batches close nothing: the dating is built only when something closed.
    private ValueTask HandOverClosedWindowsAsync((long? Spans, long? Edges, long? Metrics, long? Logs) before)
    {
        IReadOnlyList<ClosedWindow> closed = _statistics.TakeClosedWindows();
        if (closed.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        var after = _statistics.Watermarks;
        return HandOverAsync(closed, window => _idle.KnownAt(
            window, WatermarkOf(before, window.Signal), WatermarkOf(after, window.Signal) ?? window.EndUnixNano, CloseDelayNanos));
    }

    private async ValueTask HandOverAsync(IReadOnlyList<ClosedWindow> closed, Func<ClosedWindow, long> knownAt)
    {
        if (closed.Count == 0)
        {
            return; // an idle close whose windows had all left the retention
        }

        await ScoreAsync(closed, knownAt);
        try
        {
            await sink.WindowsClosedAsync(Name, closed);
        }
        catch (Exception exception)
        {
            // The batch is counted (and logged) already; failing it now would only make the sender retry a batch
            // that is then skipped. The consumer owns its failures.
            instruments.ClosedWindowsUndelivered(closed.Count);
            LogSinkFailed(logger, Name, closed.Count, exception.Message);
        }
    }

    /// <summary>
    /// Scores the closed windows in this turn, after the batch is applied (per window, never per span), reports the
    /// outcomes to the silo's reporter and publishes the anomalies.
    /// </summary>
    private async ValueTask ScoreAsync(IReadOnlyList<ClosedWindow> closed, Func<ClosedWindow, long> knownAt)
    {
        DetectionResult result = _detection.Score(
            Name,
            closed,
            models.LineupOf,
            knownAt,
            SpotOptions.Default,
            _statistics.Templates.Info);
        if (result.Outcomes.Count > 0)
        {
            reporter.Add(result.Outcomes);
        }

        if (result.Events.Count == 0)
        {
            return;
        }

        try
        {
            var stream = this.GetStreamProvider(StreamNames.Provider).GetStream<AnomalyEvent>(StreamId.Create(StreamNames.Anomalies, Name));
            foreach (AnomalyEvent anomaly in result.Events)
            {
                await stream.OnNextAsync(anomaly);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The events are kept in the grain for the API; the stream only misses them, as its subscribers would
            // on a silo loss. Failing the batch would make the sender retry a batch that is then skipped.
            instruments.AnomalyEventsUnpublished(result.Events.Count);
            LogPublishFailed(logger, Name, result.Events.Count, exception.Message);
        }
    }

    /// <summary>
    /// A checkpoint in line with the batches: after those taken before it are counted, before later ones are, so that
    /// the state it writes holds exactly the batches up to <see cref="_applied"/> however the write awaits.
    /// </summary>
    private Task CheckpointInOrderAsync(CancellationToken cancellationToken)
    {
        Task checkpointed = AfterAsync(_inOrder, cancellationToken);
        _inOrder = checkpointed;
        return checkpointed;

        async Task AfterAsync(Task before, CancellationToken cancellationToken)
        {
            await before.ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.SuppressThrowing);
            await CheckpointAsync(cancellationToken);
        }
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        if (_applied == _checkpointed && !_unloggedSinceCheckpoint && checkpoint.RecordExists)
        {
            return;
        }

        // Sealed windows first, then the head that counts them as stored: a crash between the two leaves the old
        // head, which ignores the windows beyond its position and still carries them itself.
        SealedWindowBatch sealedWindows = _statistics.UnstoredWindows();
        if (!sealedWindows.IsEmpty)
        {
            await windows.WriteAsync(Name, sealedWindows, cancellationToken);
        }

        _statistics.MarkStored(sealedWindows);
        checkpoint.State = new ServiceCheckpoint { Statistics = _statistics, AppliedSequence = _applied, RecentBatchIds = _recent, Detection = _detection };
        _unloggedSinceCheckpoint = false;
        try
        {
            await checkpoint.WriteStateAsync(cancellationToken);
        }
        catch
        {
            _unloggedSinceCheckpoint = true;
            throw;
        }

        _checkpointed = _applied;
        _retainedAtCheckpoint = _statistics.RetainedFrom();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {Service} replayed {Count} logged batches ({From} -> {To})")]
    private static partial void LogReplayed(ILogger logger, string service, long count, long from, long to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {Service} could not checkpoint on deactivation: {Reason}")]
    private static partial void LogCheckpointFailed(ILogger logger, string service, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {Service} could not checkpoint the windows it closed on idleness: {Reason}")]
    private static partial void LogIdleCheckpointFailed(ILogger logger, string service, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {Service} could not hand {Count} closed windows to the sink: {Reason}")]
    private static partial void LogSinkFailed(ILogger logger, string service, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {Service} could not publish {Count} anomaly events on the anomalies stream: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string service, int count, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Service {Service} pruned {Count} applied batches from its log")]
    private static partial void LogPruned(ILogger logger, string service, long count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Service {Service} pruned {Count} stored windows out of retention")]
    private static partial void LogPrunedWindows(ILogger logger, string service, long count);
}
