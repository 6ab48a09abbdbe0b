using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>Groups a request's traces by the shard that assembles them (<see cref="TraceShards"/>): one call per shard.</summary>
internal static class TraceShardRouting
{
    public static List<KeyValuePair<int, TraceSpanBatch[]>> Group(TraceSpanBatch[] traces) =>
        Group(traces, static trace => trace.TraceId);

    public static List<KeyValuePair<int, TraceKey[]>> Group(TraceKey[] traceIds) =>
        Group(traceIds, static id => id);

    private static List<KeyValuePair<int, T[]>> Group<T>(T[] items, Func<T, TraceKey> traceId)
    {
        var byShard = new List<T>?[TraceShards.Count];
        foreach (T item in items)
        {
            (byShard[TraceShards.Of(traceId(item))] ??= []).Add(item);
        }

        var groups = new List<KeyValuePair<int, T[]>>();
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
