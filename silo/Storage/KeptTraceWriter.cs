using System.Diagnostics.Metrics;
using Npgsql;
using OtlpGrains.Grains.Traces;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Traces;

namespace OtlpGrains.Silo.Storage;

/// <summary>
/// The kept-trace store of durable mode: the trace shards hand it their kept traces and go on, and one writer per silo
/// inserts them into <see cref="PostgresKeptTraceStore"/> in batches, one statement and one commit each, while the next
/// batch gathers. A shard's turn (and the ingest waiting behind it) thus never waits on the database. Reads see an
/// unwritten trace at once.
/// </summary>
/// <remarks>
/// <para>When the database is slow or away, the unwritten traces wait, retried with backoff, up to
/// <see cref="MaxUnwritten"/>; beyond that a kept trace is refused (<see cref="KeptTraceStoreFullException"/>), and the
/// shard counts it as not stored. Only while the silo stops does a keep wait for room instead, since the shards'
/// drain then keeps a burst at once. Kept traces are samples, not counts: unlike the batch log, they are not part of the
/// exactly-once promise, and a silo that dies loses the few it had not written.</para>
/// <para>A graceful stop writes what is left once every grain is gone (in the stop of
/// <see cref="ServiceLifecycleStage.RuntimeStorageServices"/>, below the stages where the shards drain), until the
/// stop's time (at most <see cref="StopWait"/>) runs out; what it could not write is counted as <c>kept_traces_lost_total</c> and logged.</para>
/// </remarks>
internal sealed partial class KeptTraceWriter : IKeptTraceStore, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>Unwritten traces held at most: a minute of a busy cluster's keeps, some tens of MB.</summary>
    public const int DefaultMaxUnwritten = 10_000;

    /// <summary>Rows per insert: large enough to amortise the commit, small enough for a statement to stay quick.</summary>
    public const int MaxBatch = 500;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMinutes(1);

    /// <summary>How long a keep waits for room while the silo stops before it gives up on a writer that writes nothing.</summary>
    private static readonly TimeSpan StalledWriter = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan RoomPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>The most a stop spends writing what is left, so that a database gone for good cannot hold the stop.</summary>
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(20);

    private readonly PostgresKeptTraceStore _table;
    private readonly TimeProvider _time;
    private readonly ILogger<KeptTraceWriter> _logger;
    private readonly Counter<long> _lost;
    private readonly Lock _gate = new();

    // The unwritten traces by id (for reads and for the first-wins rule) and in the order they were kept.
    private readonly Dictionary<string, UnwrittenTrace> _unwritten = new(StringComparer.Ordinal);
    private readonly Queue<UnwrittenTrace> _order = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task _writing = Task.CompletedTask;
    private long _batchesWritten;
    private volatile bool _siloStopping;
    private long _nextReport;

    public KeptTraceWriter(
        PostgresKeptTraceStore table,
        TimeProvider time,
        IMeterFactory meters,
        ILogger<KeptTraceWriter> logger,
        int maxUnwritten = DefaultMaxUnwritten)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxUnwritten, 1);
        _table = table;
        _time = time;
        _logger = logger;
        MaxUnwritten = maxUnwritten;
        var meter = meters.Create("OtlpGrains.Storage");
        _lost = meter.CreateCounter<long>(
            "kept_traces_lost_total", "{trace}", "Kept traces a stopping silo could not write to PostgreSQL before its stop timed out.");
        _lost.Add(0);
        meter.CreateObservableGauge("kept_traces_unwritten", () => Unwritten, "{trace}",
            "Kept traces waiting to be written to PostgreSQL (at most the writer's limit; beyond it kept traces are not stored).");
    }

    public int MaxUnwritten { get; }

    /// <summary>Kept traces not yet in the table.</summary>
    public int Unwritten
    {
        get
        {
            lock (_gate)
            {
                return _unwritten.Count;
            }
        }
    }

    public bool NeedsGrains => false;

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);

        // Just before the trace shards drain (TraceStop, at Active + 1): from here a full writer makes them wait.
        lifecycle.Subscribe(nameof(KeptTraceWriter) + ".Stopping", ServiceLifecycleStage.Active + 2, _ => Task.CompletedTask, _ =>
        {
            SiloStopping();
            return Task.CompletedTask;
        });
        lifecycle.Subscribe(nameof(KeptTraceWriter), ServiceLifecycleStage.RuntimeStorageServices, StartAsync, StopAsync);
    }

    public async ValueTask KeepAsync(string traceId, TraceView view)
    {
        var trace = new UnwrittenTrace(traceId, view, _time.GetUtcNow());
        long stalledSince = _time.GetTimestamp();
        long written = Interlocked.Read(ref _batchesWritten);
        while (!TryAdd(trace))
        {
            // Full. While the silo runs, a kept trace is refused rather than hold the shard's turn (and ingest behind
            // it). While it stops, the shards' drain is a burst worth waiting for, as long as the writer gets on.
            if (!_siloStopping)
            {
                throw Full();
            }

            if (Interlocked.Read(ref _batchesWritten) != written)
            {
                written = Interlocked.Read(ref _batchesWritten);
                stalledSince = _time.GetTimestamp();
            }
            else if (_time.GetElapsedTime(stalledSince) > StalledWriter)
            {
                throw Full();
            }

            await Task.Delay(RoomPoll, _time);
        }

        Wake();
    }

    public async ValueTask<TraceView?> ReadAsync(string traceId)
    {
        lock (_gate)
        {
            if (_unwritten.TryGetValue(traceId, out var unwritten))
            {
                return unwritten.View;
            }
        }

        return await _table.ReadAsync(traceId);
    }

    public async ValueTask<TraceView[]> ReadPartsAsync(string traceId)
    {
        var keys = KeptContinuations.KeysOf(traceId);
        var found = new Dictionary<string, TraceView>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var key in keys)
            {
                if (_unwritten.TryGetValue(key, out var unwritten))
                {
                    found[key] = unwritten.View;
                }
            }
        }

        if (found.Count < keys.Length)
        {
            foreach (var (key, view) in await _table.ReadManyAsync(keys))
            {
                found.TryAdd(key, view);
            }
        }

        return [.. keys.Where(found.ContainsKey).Select(k => found[k])];
    }

    /// <summary>From now on a full writer makes a keep wait for room instead of refusing it.</summary>
    public void SiloStopping() => _siloStopping = true;

    /// <summary>Adds the trace unless it is unwritten already; false when the writer is full.</summary>
    private bool TryAdd(UnwrittenTrace trace)
    {
        lock (_gate)
        {
            if (_unwritten.ContainsKey(trace.TraceId))
            {
                return true;
            }

            if (_unwritten.Count >= MaxUnwritten)
            {
                return false;
            }

            _unwritten.Add(trace.TraceId, trace);
            _order.Enqueue(trace);
            return true;
        }
    }

    private KeptTraceStoreFullException Full() =>
        new($"{MaxUnwritten} kept traces are waiting for PostgreSQL, the most the writer holds");

    /// <summary>Starts the writer. Idempotent.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_writing.IsCompleted)
        {
            _writing = Task.Run(() => WriteUntilStoppedAsync(_stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>Writes what is left, until <paramref name="cancellationToken"/> gives up on it, and stops the writer.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _writing;
        using var stopTime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stopTime.CancelAfter(StopWait);
        int written = 0;
        try
        {
            while (TakeBatch() is { } batch)
            {
                await WriteWithRetriesAsync(batch, stopTime.Token);
                written += batch.Count;
            }
        }
        catch (OperationCanceledException) when (stopTime.IsCancellationRequested)
        {
            // The stop's time is up; what is left is counted below.
        }

        int lost = Unwritten;
        if (lost > 0)
        {
            _lost.Add(lost);
            LogLostOnStop(_logger, written, lost);
        }
        else if (written > 0)
        {
            LogWrittenOnStop(_logger, written);
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _signal.Dispose();
    }

    private async Task WriteUntilStoppedAsync(CancellationToken stopping)
    {
        List<UnwrittenTrace>? batch = null;
        try
        {
            while (true)
            {
                await _signal.WaitAsync(stopping);
                while ((batch = TakeBatch()) is not null)
                {
                    await WriteWithRetriesAsync(batch, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // StopAsync writes the rest, starting with the batch this loop was retrying.
            if (batch is not null)
            {
                Requeue(batch);
            }
        }
    }

    private void Requeue(List<UnwrittenTrace> batch)
    {
        lock (_gate)
        {
            var rest = _order.ToArray();
            _order.Clear();
            foreach (var trace in batch.Concat(rest))
            {
                _order.Enqueue(trace);
            }
        }
    }

    /// <summary>Writes a batch, retrying with backoff while the database fails; then forgets the batch's traces.</summary>
    private async Task WriteWithRetriesAsync(List<UnwrittenTrace> batch, CancellationToken cancellationToken)
    {
        var wait = FirstRetry;
        while (true)
        {
            try
            {
                await _table.InsertAsync(batch, cancellationToken);
                Interlocked.Increment(ref _batchesWritten);
                break;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                ReportFailure(exception);
                await Task.Delay(wait, _time, cancellationToken);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LastRetry.Ticks));
            }
        }

        lock (_gate)
        {
            foreach (var trace in batch)
            {
                _unwritten.Remove(trace.TraceId);
            }
        }
    }

    /// <summary>The oldest unwritten traces, up to a batch; they stay readable until written.</summary>
    private List<UnwrittenTrace>? TakeBatch()
    {
        lock (_gate)
        {
            if (_order.Count == 0)
            {
                return null;
            }

            var batch = new List<UnwrittenTrace>(Math.Min(_order.Count, MaxBatch));
            while (batch.Count < MaxBatch && _order.TryDequeue(out var trace))
            {
                batch.Add(trace);
            }

            return batch;
        }
    }

    private void Wake()
    {
        // One pending wake is enough: the writer takes everything queued when it wakes.
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another keep woke it at the same moment.
            }
        }
    }

    private void ReportFailure(Exception exception)
    {
        long now = _time.GetTimestamp();
        if (now >= Interlocked.Read(ref _nextReport))
        {
            Interlocked.Exchange(ref _nextReport, now + (long)(ReportEvery.TotalSeconds * _time.TimestampFrequency));
            LogWriteFailed(_logger, Unwritten, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write kept traces to PostgreSQL, retrying; {Unwritten} are waiting: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, int unwritten, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kept traces written as the silo stopped: {Written}")]
    private static partial void LogWrittenOnStop(ILogger logger, int written);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kept traces written as the silo stopped: {Written}; {Lost} could not be written before the stop timed out and are lost")]
    private static partial void LogLostOnStop(ILogger logger, int written, int lost);
}
