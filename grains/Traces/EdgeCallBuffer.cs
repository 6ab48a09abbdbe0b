using Microsoft.Extensions.Logging;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Traces;

/// <summary>
/// Collects the edge calls that completed traces on this silo found, and hands them to the client services' grains
/// once a second: one call per service per flush instead of one per trace. Bounded: beyond
/// <see cref="MaxPending"/> waiting calls, new ones are dropped and counted. When the silo stops it holds what it
/// gathers while the grains deactivate (<see cref="TraceStop"/>), then hands it to a peer silo or counts it.
/// </summary>
internal sealed partial class EdgeCallBuffer(IGrainFactory grains, GrainInstruments instruments, TimeProvider time, ILogger<EdgeCallBuffer> logger)
    : PeriodicFlushService(FlushInterval, time)
{
    public const int MaxPending = 1_000_000;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long the last hand-over to a peer silo may take when this one stops.</summary>
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private Dictionary<string, List<EdgeCall>> _pending = new(StringComparer.Ordinal);
    private int _pendingCount;
    private long _dropped;
    private long _sent;
    private bool _held;
    private bool _closed;

    /// <summary>Calls handed to the service grains since the silo started.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Calls dropped because the buffer was full or closed (the service grains were unreachable for long, or the silo stopped).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Add(IReadOnlyList<(string Client, EdgeCall Call)> calls)
    {
        if (calls.Count == 0)
        {
            return;
        }

        long dropped = 0;
        lock (_gate)
        {
            foreach (var (client, call) in calls)
            {
                if (_closed || _pendingCount >= MaxPending)
                {
                    dropped++;
                    continue;
                }

                if (!_pending.TryGetValue(client, out var list))
                {
                    list = [];
                    _pending.Add(client, list);
                }

                list.Add(call);
                _pendingCount++;
            }

            _dropped += dropped;
        }

        instruments.EdgeCallsDropped(dropped);
    }

    /// <summary>Sends everything waiting; calls a grain refused stay for the next flush. Nothing while the silo stops.</summary>
    public override async Task FlushAsync()
    {
        if (TakePending(evenIfHeld: false) is not { } batch)
        {
            return;
        }

        var sends = batch.Select(async entry =>
        {
            try
            {
                await grains.GetGrain<IServiceGrain>(entry.Key).AddEdgeCallsAsync([.. entry.Value]);
                Interlocked.Add(ref _sent, entry.Value.Count);
            }
            catch (Exception exception)
            {
                LogFlushFailed(logger, entry.Key, entry.Value.Count, exception.Message);
                Add([.. entry.Value.Select(call => (entry.Key, call))]);
            }
        });
        await Task.WhenAll(sends);
    }

    /// <summary>The silo is stopping: from now on calls wait for <see cref="CloseAsync"/>, since their service grains are deactivating.</summary>
    public void Hold()
    {
        lock (_gate)
        {
            _held = true;
        }
    }

    /// <summary>
    /// The last hand-over, once the trace shards drained: to the service grains on a peer silo within a short wait if
    /// <paramref name="peersActive"/>, otherwise nowhere (no silo could place them). What is not sent is counted as
    /// dropped; calls added later are dropped too. Logs nothing: <see cref="TraceStop"/> reports in one line.
    /// </summary>
    public async Task<EdgeCallHandOver> CloseAsync(bool peersActive)
    {
        var batch = TakePending(evenIfHeld: true);
        lock (_gate)
        {
            _closed = true;
        }

        if (batch is null)
        {
            return new EdgeCallHandOver(0, 0, null);
        }

        long sent = 0;
        long dropped = 0;
        string? failure = null;
        if (peersActive)
        {
            var sends = batch.Select(entry => (entry.Value.Count, Task: grains.GetGrain<IServiceGrain>(entry.Key).AddEdgeCallsAsync([.. entry.Value]).AsTask())).ToArray();
            try
            {
                await Task.WhenAll(sends.Select(s => s.Task)).WaitAsync(CloseWait);
            }
            catch (Exception exception)
            {
                failure = exception.Message;
            }

            sent = sends.Where(s => s.Task.IsCompletedSuccessfully).Sum(s => (long)s.Count);
            dropped = sends.Where(s => !s.Task.IsCompletedSuccessfully).Sum(s => (long)s.Count);
        }
        else
        {
            dropped = batch.Sum(entry => (long)entry.Value.Count);
        }

        Interlocked.Add(ref _sent, sent);
        Interlocked.Add(ref _dropped, dropped);
        instruments.EdgeCallsDropped(dropped);
        return new EdgeCallHandOver(sent, dropped, failure);
    }

    private Dictionary<string, List<EdgeCall>>? TakePending(bool evenIfHeld)
    {
        lock (_gate)
        {
            if (_pendingCount == 0 || (_held && !evenIfHeld))
            {
                return null;
            }

            var batch = _pending;
            _pending = new(StringComparer.Ordinal);
            _pendingCount = 0;
            return batch;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand {Count} edge calls to service {Service}, will retry: {Reason}")]
    private static partial void LogFlushFailed(ILogger logger, string service, int count, string reason);
}

/// <summary>What the last hand-over of a stopping silo sent to peer silos and dropped, and the first failure.</summary>
internal readonly record struct EdgeCallHandOver(long Sent, long Dropped, string? Failure);
