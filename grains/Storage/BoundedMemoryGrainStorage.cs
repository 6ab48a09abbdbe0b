using Orleans.Serialization;
using Orleans.Storage;

namespace OtlpGrains.Grains.Storage;

/// <summary>
/// An in-memory grain storage with a capacity: states live in <see cref="Partitions"/> partition grains, and the
/// oldest are evicted once the store is full. Used for kept traces in the single-node default, where Orleans' own
/// memory storage would grow with every trace tail sampling keeps.
/// </summary>
internal sealed class BoundedMemoryGrainStorage(string name, int capacity, IGrainFactory grains, Serializer serializer) : IGrainStorage
{
    public const int Partitions = 8;

    private readonly int _partitionCapacity = Math.Max(1, (capacity + Partitions - 1) / Partitions);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        var stored = await Partition(key).ReadAsync(key);
        if (stored is null)
        {
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }

        grainState.State = serializer.Deserialize<T>(stored.Data);
        grainState.ETag = stored.ETag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        grainState.ETag = await Partition(key).WriteAsync(key, serializer.SerializeToArray(grainState.State), _partitionCapacity);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        await Partition(key).ClearAsync(key);
        grainState.RecordExists = false;
        grainState.ETag = null;
    }

    /// <summary>Entries held and evicted over all partitions.</summary>
    public async Task<(int Held, long Evicted)> CountsAsync()
    {
        var counts = await Task.WhenAll(Enumerable.Range(0, Partitions)
            .Select(p => grains.GetGrain<IBoundedStorePartitionGrain>($"{name}/{p}").GetCountsAsync().AsTask()));
        return (counts.Sum(c => c.Held), counts.Sum(c => c.Evicted));
    }

    private static string Key(string stateName, GrainId grainId) => $"{grainId}/{stateName}";

    private IBoundedStorePartitionGrain Partition(string key) =>
        grains.GetGrain<IBoundedStorePartitionGrain>($"{name}/{(uint)StableHash(key) % Partitions}");

    // string.GetHashCode differs per process; partitions must be found the same way on every silo.
    private static int StableHash(string key)
    {
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)hash;
    }
}
