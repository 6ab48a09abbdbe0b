namespace OtlpGrains.Agent.Protocols;

/// <summary>A fixed-capacity FIFO of structs; when full, the oldest item is dropped to make room.</summary>
internal sealed class PendingQueue<T>(int capacity)
    where T : struct
{
    private readonly T[] _items = new T[capacity];
    private int _head;

    public int Count { get; private set; }

    /// <summary>Adds an item; returns false when the oldest one had to be dropped.</summary>
    public bool Enqueue(in T item)
    {
        var dropped = false;
        if (Count == _items.Length)
        {
            _head = (_head + 1) % _items.Length;
            Count--;
            dropped = true;
        }

        _items[(_head + Count) % _items.Length] = item;
        Count++;
        return !dropped;
    }

    public bool TryDequeue(out T item)
    {
        if (Count == 0)
        {
            item = default;
            return false;
        }

        item = _items[_head];
        _items[_head] = default;
        _head = (_head + 1) % _items.Length;
        Count--;
        return true;
    }

    public ref T Peek() => ref _items[_head];

    public ref T Last() => ref _items[(_head + Count - 1) % _items.Length];

    public void Clear()
    {
        Array.Clear(_items);
        _head = 0;
        Count = 0;
    }
}
