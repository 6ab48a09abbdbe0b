namespace OtlpGrains.Models.Detection.Context;

/// <summary>
/// How often each context (a run of recent value bins, hashed to 64 bits) has been seen: an open-addressing table of
/// fixed capacity. When it is 70% full every count is halved and the contexts left at 0 are dropped, so the table
/// stays bounded and forgets what has not recurred, while what recurs often survives the halving.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.context.ContextTable")]
public sealed class ContextTable
{
    // 0 marks a free slot; a key that hashes to 0 is stored as this one.
    private const ulong ZeroKey = 0x9E3779B97F4A7C15UL;

    [Id(0)] private ulong[] _keys;
    [Id(1)] private int[] _counts;
    [Id(2)] private int _used;

    /// <param name="capacity">Slots; a power of two of at least 16.</param>
    public ContextTable(int capacity)
    {
        if (capacity < 16 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be a power of two of at least 16");
        }

        _keys = new ulong[capacity];
        _counts = new int[capacity];
    }

    /// <summary>Contexts held now.</summary>
    public int Count => _used;

    /// <summary>Slots of the table.</summary>
    public int Capacity => _keys.Length;

    /// <summary>How often <paramref name="key"/> was seen (since the halvings that kept it).</summary>
    public int CountOf(ulong key)
    {
        key = key == 0 ? ZeroKey : key;
        int mask = _keys.Length - 1;
        for (int slot = (int)(key & (ulong)mask); ; slot = (slot + 1) & mask)
        {
            if (_keys[slot] == key)
            {
                return _counts[slot];
            }

            if (_keys[slot] == 0)
            {
                return 0;
            }
        }
    }

    /// <summary>Counts one more sighting of <paramref name="key"/>.</summary>
    public void Add(ulong key)
    {
        if (_used + 1 > _keys.Length * 7 / 10)
        {
            Halve();
        }

        key = key == 0 ? ZeroKey : key;
        int mask = _keys.Length - 1;
        int slot = (int)(key & (ulong)mask);
        while (_keys[slot] != 0 && _keys[slot] != key)
        {
            slot = (slot + 1) & mask;
        }

        if (_keys[slot] == 0)
        {
            _keys[slot] = key;
            _used++;
        }

        if (_counts[slot] < int.MaxValue)
        {
            _counts[slot]++;
        }
    }

    // Halving until there is room: counts of 1 go to 0 and are dropped, so one pass usually frees most of the table.
    private void Halve()
    {
        do
        {
            ulong[] keys = _keys;
            int[] counts = _counts;
            _keys = new ulong[keys.Length];
            _counts = new int[keys.Length];
            _used = 0;
            int mask = keys.Length - 1;
            for (int i = 0; i < keys.Length; i++)
            {
                int count = counts[i] / 2;
                if (keys[i] == 0 || count == 0)
                {
                    continue;
                }

                int slot = (int)(keys[i] & (ulong)mask);
                while (_keys[slot] != 0)
                {
                    slot = (slot + 1) & mask;
                }

                _keys[slot] = keys[i];
                _counts[slot] = count;
                _used++;
            }
        }
        while (_used + 1 > _keys.Length * 7 / 10);
    }
}
