using Orleans.Serialization;
using OtlpGrains.Grains.Storage;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Traces;

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

    // The parts are kept in order, so the first one missing ends them (an evicted first part loses the later ones).
    public async ValueTask<TraceView[]> ReadPartsAsync(string traceId)
    {
        var parts = new List<TraceView>(1);
        foreach (var key in KeptContinuations.KeysOf(traceId))
        {
            if (await ReadAsync(key) is not { } part)
            {
                break;
            }

            parts.Add(part);
        }

        return [.. parts];
    }

    // A trace's parts share its partition: keyed by the trace id, without the part.
    private IBoundedStorePartitionGrain Partition(string key) =>
        grains.GetGrain<IBoundedStorePartitionGrain>($"{StorageNames.KeptTraces}/{(uint)StableHash(TraceIdOf(key)) % Partitions}");

    private static string TraceIdOf(string key) => key.IndexOf('/', StringComparison.Ordinal) is var slash and > 0 ? key[..slash] : key;

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
