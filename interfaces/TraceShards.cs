namespace OtlpGrains.Interfaces;

/// <summary>
/// Traces in progress live in a fixed number of shard grains, picked by trace id, instead of one grain per trace:
/// a request's spans then cost one call per shard it touches and no activation per trace, and the memory held by
/// traces in progress has one bound per shard. Every gateway must pick the same shard for a trace, so the count is
/// a constant, not a setting.
/// </summary>
public static class TraceShards
{
    /// <summary>
    /// Enough that shards spread over the silos of a large cluster and a shard is never the bottleneck (one shard
    /// assembles well over a hundred thousand spans a second), few enough that a request of 64 traces makes about 28
    /// calls rather than 64.
    /// </summary>
    public const int Count = 32;

    /// <summary>The shard of a trace, from the low 32 bits of its id (random in every id scheme, unlike the first).</summary>
    public static int Of(TraceKey traceId) => (int)((uint)traceId.Low % Count);
}
