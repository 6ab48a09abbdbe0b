namespace OtlpGrains.Agent.Protocols.Http2;

/// <summary>
/// HPACK's dynamic table: newest entry first, each entry counted as name + value + 32 bytes, oldest evicted to stay
/// within the maximum size. The maximum never exceeds <see cref="ParserLimits.MaxHpackTableSize"/>.
/// </summary>
internal sealed class HpackDynamicTable
{
    private const int EntryOverhead = 32;

    private readonly Entry[] _entries = new Entry[(ParserLimits.MaxHpackTableSize / EntryOverhead) + 1];
    private int _newest = -1;

    public int Count { get; private set; }

    public int Size { get; private set; }

    public int MaxSize { get; private set; } = 4096;

    public void SetMaxSize(int maxSize)
    {
        MaxSize = maxSize;
        Evict(0);
    }

    public void Add(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var size = name.Length + value.Length + EntryOverhead;
        if (size > MaxSize)
        {
            // An entry larger than the table empties it and is not added.
            Evict(MaxSize + 1);
            return;
        }

        Evict(size);
        var bytes = new byte[name.Length + value.Length];
        name.CopyTo(bytes);
        value.CopyTo(bytes.AsSpan(name.Length));
        _newest = (_newest + 1) % _entries.Length;
        _entries[_newest] = new Entry(bytes, name.Length);
        Count++;
        Size += size;
    }

    /// <summary>Entry <paramref name="index"/>, 0 being the newest.</summary>
    public bool TryGet(int index, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        name = value = default;
        if (index < 0 || index >= Count)
        {
            return false;
        }

        var entry = _entries[((_newest - index) % _entries.Length + _entries.Length) % _entries.Length];
        name = entry.Bytes.AsSpan(0, entry.NameLength);
        value = entry.Bytes.AsSpan(entry.NameLength);
        return true;
    }

    private void Evict(int room)
    {
        while (Count > 0 && Size + room > MaxSize)
        {
            var oldest = ((_newest - Count + 1) % _entries.Length + _entries.Length) % _entries.Length;
            Size -= _entries[oldest].Bytes.Length + EntryOverhead;
            _entries[oldest] = default;
            Count--;
        }
    }

    private readonly record struct Entry(byte[] Bytes, int NameLength);
}
