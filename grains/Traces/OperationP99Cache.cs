using System.Collections.Concurrent;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Traces;

/// <summary>
/// Recent p99 latency per (service, operation), fetched from the service grain at most every
/// <see cref="TimeToLive"/>: tail sampling asks for it once per completed trace, and a grain call per trace would
/// cost more than the decision is worth.
/// </summary>
internal sealed class OperationP99Cache(IGrainFactory grains, TimeProvider time)
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(10);

    /// <summary>Most entries held; span names can be high-cardinality, so past this the cache starts over.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<(string Service, string Operation), (double? P99, long Expires)> _entries = new();

    public async ValueTask<double?> GetAsync(string service, string operation)
    {
        var now = time.GetTimestamp();
        if (_entries.TryGetValue((service, operation), out var entry) && entry.Expires > now)
        {
            return entry.P99;
        }

        var p99 = await grains.GetGrain<IServiceGrain>(service).GetOperationP99Async(operation);
        var expires = now + (long)(TimeToLive.TotalSeconds * time.TimestampFrequency);
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[(service, operation)] = (p99, expires);
        return p99;
    }
}
