using Orleans.Serialization;
using OtlpGrains.Grains.Storage;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Traces;

/// <summary>
/// Kept traces in memory with a capacity: views live serialized in <see cref="Partitions"/> partition grains, and the
/// oldest are evicted once the store is full, where Orleans' own memory storage would grow with every trace kept.
/// </summary>
internal sealed class MemoryKeptTraceStore(int capacity, IGrainFactory grains, Serializer serializer) : IKeptTraceStore
{
    public const int Partitions = 8;

    private readonly int _partitionCapacity = Math.Max(1, (capacity + Partitions - 1) / Partitions);

    public bool NeedsGrains => true;

    public async ValueTask KeepAsync(string traceId, TraceView view)
    {
        var partition = Partition(traceId);
        if (await partition.ReadAsync(traceId) is null)
        {
            await partition.WriteAsync(traceId, serializer.SerializeToArray(new KeptTrace { View = view }), _partitionCapacity);
        }
    }

    public async ValueTask<TraceView?> ReadAsync(string traceId) =>
        await Partition(traceId).ReadAsync(traceId) is { } stored ? serializer.Deserialize<KeptTrace>(stored.Data)?.View : null;

    private IBoundedStorePartitionGrain Partition(string traceId) =>
        grains.GetGrain<IBoundedStorePartitionGrain>($"{StorageNames.KeptTraces}/{(uint)StableHash(traceId) % Partitions}");

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
