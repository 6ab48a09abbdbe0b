using Microsoft.Extensions.Logging;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Traces;

/// <summary>
/// Collects the edge calls that completed traces on this silo found, and hands them to the client services' grains
/// once a second: one call per service per flush instead of one per trace. Bounded: beyond
/// <see cref="MaxPending"/> waiting calls, new ones are dropped and counted.
/// </summary>
internal sealed partial class EdgeCallBuffer(IGrainFactory grains, GrainInstruments instruments, TimeProvider time, ILogger<EdgeCallBuffer> logger)
    : PeriodicFlushService(FlushInterval, time)
{
    public const int MaxPending = 1_000_000;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private Dictionary<string, List<EdgeCall>> _pending = new(StringComparer.Ordinal);
    private int _pendingCount;
    private long _dropped;

    /// <summary>Calls dropped because the buffer was full (the service grains were unreachable for long).</summary>
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
                if (_pendingCount >= MaxPending)
                {
                    _dropped++;
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
        }

        instruments.EdgeCallsDropped(dropped);
    }

    /// <summary>Sends everything waiting; calls a grain refused stay for the next flush.</summary>
    public override async Task FlushAsync()
    {
        Dictionary<string, List<EdgeCall>> batch;
        lock (_gate)
        {
            if (_pendingCount == 0)
            {
                return;
            }

            batch = _pending;
            _pending = new(StringComparer.Ordinal);
            _pendingCount = 0;
        }

        var sends = batch.Select(async entry =>
        {
            try
            {
                await grains.GetGrain<IServiceGrain>(entry.Key).AddEdgeCallsAsync([.. entry.Value]);
            }
            catch (Exception exception)
            {
                LogFlushFailed(logger, entry.Key, entry.Value.Count, exception.Message);
                Add([.. entry.Value.Select(call => (entry.Key, call))]);
            }
        });
        await Task.WhenAll(sends);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand {Count} edge calls to service {Service}, will retry: {Reason}")]
    private static partial void LogFlushFailed(ILogger logger, string service, int count, string reason);
}
