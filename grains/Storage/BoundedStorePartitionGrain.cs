namespace OtlpGrains.Grains.Storage;

/// <summary>Holds one partition of a bounded in-memory store; evicts in insertion order.</summary>
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class BoundedStorePartitionGrain(GrainInstruments instruments) : Grain, IBoundedStorePartitionGrain
{
    private readonly Dictionary<string, StoredState> _entries = new(StringComparer.Ordinal);
    private readonly Queue<string> _insertionOrder = new();
    private long _evicted;
    private long _version;

    public ValueTask<StoredState?> ReadAsync(string key) =>
        ValueTask.FromResult(_entries.GetValueOrDefault(key));

    public ValueTask<string> WriteAsync(string key, byte[] data, int capacity)
    {
        var etag = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!_entries.ContainsKey(key))
        {
            // Keys cleared earlier may still sit in the queue; skip them while evicting.
            while (_entries.Count >= capacity && _insertionOrder.TryDequeue(out var oldest))
            {
                if (_entries.Remove(oldest))
                {
                    _evicted++;
                    instruments.KeptTracesEvicted(1);
                }
            }

            _insertionOrder.Enqueue(key);
        }

        _entries[key] = new StoredState(data, etag);
        return ValueTask.FromResult(etag);
    }

    public ValueTask ClearAsync(string key)
    {
        _entries.Remove(key);
        return ValueTask.CompletedTask;
    }

    public ValueTask<(int Held, long Evicted)> GetCountsAsync() => ValueTask.FromResult((_entries.Count, _evicted));
}
