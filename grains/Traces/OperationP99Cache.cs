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

    /// <summary>
    /// How long a lookup waits for the service grain. Sampling can do without the p99 (the trace is then not slow),
    /// so a busy or moving grain must not hold the shard for the 30 s of a grain call's timeout.
    /// </summary>
    public static readonly TimeSpan LookupWait = TimeSpan.FromSeconds(2);

    /// <summary>The p99 from the service grain, or from the cache while it is fresh; throws if the grain does not answer within <see cref="LookupWait"/>.</summary>
    public async ValueTask<double?> GetAsync(string service, string operation)
    {
        var now = time.GetTimestamp();
        if (_entries.TryGetValue((service, operation), out var entry) && entry.Expires > now)
        {
            return entry.P99;
        }

        var p99 = await grains.GetGrain<IServiceGrain>(service).GetOperationP99Async(operation).AsTask().WaitAsync(LookupWait, time);
        var expires = now + (long)(TimeToLive.TotalSeconds * time.TimestampFrequency);
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[(service, operation)] = (p99, expires);
        return p99;
    }

    /// <summary>
    /// The last p99 fetched, even if no longer fresh, without a grain call: for a silo that stops and has no peer to
    /// ask. False if it was never fetched.
    /// </summary>
    public bool TryGetLast(string service, string operation, out double? p99)
    {
        var found = _entries.TryGetValue((service, operation), out var entry);
        p99 = entry.P99;
        return found;
    }
}
