using System.Collections.Concurrent;
using Orleans.Serialization;
using OtlpGrains.Models.Services;

namespace OtlpGrains.Grains.Services;

/// <summary>
/// The store of sealed windows in this silo's memory, for the in-memory mode (where nothing is checkpointed) and for
/// tests. It keeps serialized copies, as a database would, so that what is read back is what was written.
/// </summary>
public sealed class InMemoryServiceWindowStore(Serializer serializer) : IServiceWindowStore
{
    private readonly ConcurrentDictionary<string, SortedDictionary<(WindowedSignal Signal, long Start), byte[]>> _services = new();

    public Task WriteAsync(string service, SealedWindowBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var stored = _services.GetOrAdd(service, _ => []);
        lock (stored)
        {
            var replaced = stored.Keys.Where(key => batch.Ranges.Any(r => r.Signal == key.Signal && key.Start >= r.FromUnixNano && key.Start < r.ToUnixNano)).ToList();
            replaced.ForEach(key => stored.Remove(key));
            foreach (SealedWindow window in batch.Windows)
            {
                stored[(window.Signal, window.StartUnixNano)] = serializer.SerializeToArray(window);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SealedWindow>> ReadAsync(string service, CancellationToken cancellationToken)
    {
        if (!_services.TryGetValue(service, out var stored))
        {
            return Task.FromResult<IReadOnlyList<SealedWindow>>([]);
        }

        lock (stored)
        {
            return Task.FromResult<IReadOnlyList<SealedWindow>>([.. stored.Values.Select(Read)]);
        }
    }

    public Task<long> PruneAsync(string service, IReadOnlyList<WindowRetention> retained, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(retained);
        if (!_services.TryGetValue(service, out var stored))
        {
            return Task.FromResult(0L);
        }

        lock (stored)
        {
            var old = stored.Keys.Where(key => retained.Any(r => r.Signal == key.Signal && key.Start < r.FromUnixNano)).ToList();
            old.ForEach(key => stored.Remove(key));
            return Task.FromResult((long)old.Count);
        }
    }

    private SealedWindow Read(byte[] bytes) => serializer.Deserialize<SealedWindow>(bytes) ?? throw new InvalidDataException("an empty stored window");

    /// <summary>How many windows are stored for <paramref name="service"/>.</summary>
    public int CountOf(string service)
    {
        if (!_services.TryGetValue(service, out var stored))
        {
            return 0;
        }

        lock (stored)
        {
            return stored.Count;
        }
    }
}
