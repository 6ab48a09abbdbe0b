namespace OtlpGrains.Grains.Storage;

/// <summary>
/// One partition of a bounded in-memory store (that of kept traces: <c>MemoryKeptTraceStore</c>): serialized states
/// by key, oldest evicted first once the partition is full. Keyed <c>{store name}/{partition}</c>.
/// </summary>
[Alias("otlpgrains.IBoundedStorePartitionGrain")]
public interface IBoundedStorePartitionGrain : IGrainWithStringKey
{
    [Alias("Read")]
    ValueTask<StoredState?> ReadAsync(string key);

    [Alias("Write")]
    ValueTask<string> WriteAsync(string key, byte[] data, int capacity);

    [Alias("Clear")]
    ValueTask ClearAsync(string key);

    /// <summary>Entries held and entries evicted so far.</summary>
    [Alias("GetCounts")]
    ValueTask<(int Held, long Evicted)> GetCountsAsync();
}

/// <summary>A stored grain state and its etag.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.StoredState")]
public sealed record StoredState([property: Id(0)] byte[] Data, [property: Id(1)] string ETag);
