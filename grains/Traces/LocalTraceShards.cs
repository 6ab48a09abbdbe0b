using System.Collections.Concurrent;

namespace OtlpGrains.Grains.Traces;

/// <summary>
/// The trace shards active on this silo, by shard number: what <see cref="TraceStop"/> drains when the silo begins to
/// stop. Orleans offers no list of a silo's activations, so the shards sign in and out themselves.
/// </summary>
internal sealed class LocalTraceShards
{
    private readonly ConcurrentDictionary<long, byte> _shards = new();

    public void Add(long shard) => _shards[shard] = 0;

    public void Remove(long shard) => _shards.TryRemove(shard, out _);

    public long[] Snapshot() => [.. _shards.Keys];
}
