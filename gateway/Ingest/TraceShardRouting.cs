using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>Groups a request's traces by the shard that assembles them (<see cref="TraceShards"/>): one call per shard.</summary>
internal static class TraceShardRouting
{
    public static List<KeyValuePair<int, TraceSpanBatch[]>> Group(TraceSpanBatch[] traces) =>
        Group(traces, static trace => trace.TraceId);

    public static List<KeyValuePair<int, TraceKey[]>> Group(TraceKey[] traceIds) =>
        Group(traceIds, static id => id);

    /// <summary>Groups a request's request halves by the join shard of their connection (<see cref="JoinShards"/>): one call per shard.</summary>
    public static List<KeyValuePair<int, JoinHalf[]>> Group((string Service, JoinHalf Half)[] halves) =>
        Group(halves, JoinShards.Count, static h => JoinShards.Of(h.Half.Key), static h => h.Half);

    private static List<KeyValuePair<int, T[]>> Group<T>(T[] items, Func<T, TraceKey> traceId) =>
        Group(items, TraceShards.Count, item => TraceShards.Of(traceId(item)), static item => item);

    private static List<KeyValuePair<int, TOut[]>> Group<TIn, TOut>(TIn[] items, int shards, Func<TIn, int> shardOf, Func<TIn, TOut> select)
    {
        var byShard = new List<TOut>?[shards];
        foreach (TIn item in items)
        {
            (byShard[shardOf(item)] ??= []).Add(select(item));
        }

        var groups = new List<KeyValuePair<int, TOut[]>>();
        for (int shard = 0; shard < byShard.Length; shard++)
        {
            if (byShard[shard] is { } values)
            {
                groups.Add(new(shard, [.. values]));
            }
        }

        return groups;
    }
}
