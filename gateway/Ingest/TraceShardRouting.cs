using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>Groups a request's traces by the shard that assembles them (<see cref="TraceShards"/>): one call per shard.</summary>
internal static class TraceShardRouting
{
    public static List<KeyValuePair<int, TraceSpanBatch[]>> Group(KeyValuePair<string, TraceSpanBatch>[] traces) =>
        Group(traces, static trace => trace.Key, static trace => trace.Value);

    public static List<KeyValuePair<int, string[]>> Group(IReadOnlyCollection<string> traceIds) =>
        Group(traceIds, static id => id, static id => id);

    private static List<KeyValuePair<int, TValue[]>> Group<TItem, TValue>(IEnumerable<TItem> items, Func<TItem, string> traceId, Func<TItem, TValue> value)
    {
        var byShard = new List<TValue>?[TraceShards.Count];
        foreach (TItem item in items)
        {
            (byShard[TraceShards.Of(traceId(item))] ??= []).Add(value(item));
        }

        var groups = new List<KeyValuePair<int, TValue[]>>();
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
