namespace OtlpGrains.Models.Statistics;

/// <summary>
/// A ring of fixed-width buckets keyed by event time. The watermark is the largest event time accepted so far; events
/// up to the allowed lateness behind it still land in their own bucket, older ones and ones too far ahead of the wall
/// clock are refused. Buckets that end at or before watermark - retention are dropped, so the ring holds
/// retention/width complete buckets plus the one containing the watermark.
/// </summary>
/// <remarks>
/// The wall clock is passed per call rather than held, so that the windows stay plain serializable data and a
/// caller placing a batch reads the clock once.
/// A bucket that ends at or before watermark - allowed lateness is sealed: no event can land in it any more. A caller
/// that keeps sealed buckets in a store of its own (<see cref="MarkStored"/>) takes them out of this object's
/// serialized state, so that a checkpoint of the windows carries only the buckets that may still change; after a
/// restore it puts them back with <see cref="RestoreStored"/>.
/// </remarks>
[GenerateSerializer, Alias("otlpgrains.EventTimeWindows`1")]
public sealed class EventTimeWindows<TBucket>
    where TBucket : class, new()
{
    [Id(0)]
    private readonly long _widthNanos;

    [Id(1)]
    private readonly long _allowedLatenessNanos;

    [Id(2)]
    private readonly long _maxFutureSkewNanos;

    // Slot s holds bucket number _keys[s] when _buckets[s] is not null.
    [Id(3)]
    private readonly TBucket?[] _buckets;

    [Id(4)]
    private readonly long[] _keys;

    [Id(5)]
    private long _watermark;

    [Id(6)]
    private bool _hasWatermark;

    // Every retained bucket with a key up to this one is in the caller's store, in _stored rather than _buckets.
    [Id(7)]
    private long? _storedThroughKey;

    // Same slots as _buckets. Not serialized: these buckets live in the caller's store, which gives them back.
    [NonSerialized]
    private TBucket?[]? _stored;

    public EventTimeWindows(TimeSpan width, TimeSpan retention, TimeSpan allowedLateness, TimeSpan maxFutureSkew)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(width, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(allowedLateness, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(allowedLateness, retention);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFutureSkew, TimeSpan.Zero);
        if (retention.Ticks % width.Ticks != 0)
        {
            throw new ArgumentException("Retention must be a whole number of bucket widths.", nameof(retention));
        }

        _widthNanos = ToNanos(width);
        _allowedLatenessNanos = ToNanos(allowedLateness);
        _maxFutureSkewNanos = ToNanos(maxFutureSkew);
        int slots = checked((int)(retention.Ticks / width.Ticks) + 1);
        _buckets = new TBucket?[slots];
        _keys = new long[slots];
    }

    /// <summary>Bucket width in nanoseconds.</summary>
    public long WidthNanos => _widthNanos;

    /// <summary>Bucket width.</summary>
    public TimeSpan Width => TimeSpan.FromTicks(_widthNanos / 100);

    /// <summary>How far behind the watermark an event may be and still land in its bucket, in nanoseconds.</summary>
    public long AllowedLatenessNanos => _allowedLatenessNanos;

    /// <summary>How many bucket slots the ring holds: the retained complete buckets plus the newest one.</summary>
    public int Slots => _buckets.Length;

    /// <summary>The largest event time accepted so far (unix nanoseconds), or null before the first event.</summary>
    public long? Watermark => _hasWatermark ? _watermark : null;

    /// <summary>
    /// Finds (or starts) the bucket of an event and advances the watermark; null when the event is refused, with the
    /// reason in <paramref name="placement"/>.
    /// </summary>
    /// <param name="eventUnixNano">The event time.</param>
    /// <param name="nowUnixNano">The wall clock, to refuse events from a client clock that runs ahead.</param>
    public TBucket? Place(long eventUnixNano, long nowUnixNano, out WindowPlacement placement)
    {
        // Differences as ulong: event times come from clients and may be anything, so avoid signed overflow.
        if (eventUnixNano > nowUnixNano && (ulong)(eventUnixNano - nowUnixNano) > (ulong)_maxFutureSkewNanos)
        {
            placement = WindowPlacement.Future;
            return null;
        }

        if (_hasWatermark && eventUnixNano < _watermark
            && (ulong)(_watermark - eventUnixNano) > (ulong)_allowedLatenessNanos)
        {
            placement = WindowPlacement.Late;
            return null;
        }

        if (!_hasWatermark)
        {
            _watermark = eventUnixNano;
            _hasWatermark = true;
        }
        else if (eventUnixNano > _watermark)
        {
            Advance(eventUnixNano);
        }

        long key = UnixNanos.FloorDiv(eventUnixNano, _widthNanos);
        int slot = SlotOf(key);
        TBucket? bucket = _buckets[slot];
        // A stored bucket is sealed, so an event that passed the lateness check above never belongs to one.
        if (bucket is null || _keys[slot] != key)
        {
            bucket = new TBucket();
            _buckets[slot] = bucket;
            _keys[slot] = key;
            _stored?[slot] = null;
        }

        placement = WindowPlacement.Placed;
        return bucket;
    }

    /// <summary>
    /// The newest complete bucket: the one just before the bucket containing the watermark. False before the first
    /// event; when that bucket saw no events, an empty bucket is returned.
    /// </summary>
    public bool TryGetLastComplete(out TimeWindow<TBucket> window)
    {
        if (!_hasWatermark)
        {
            window = default;
            return false;
        }

        long key = UnixNanos.FloorDiv(_watermark, _widthNanos) - 1;
        window = new TimeWindow<TBucket>(key * _widthNanos, (key + 1) * _widthNanos, Find(key) ?? new TBucket());
        return true;
    }

    /// <summary>The retained, non-empty buckets overlapping [from, to), oldest first.</summary>
    public IEnumerable<TimeWindow<TBucket>> Range(long fromUnixNano, long toUnixNano)
    {
        if (!_hasWatermark || toUnixNano <= fromUnixNano)
        {
            yield break;
        }

        long newest = UnixNanos.FloorDiv(_watermark, _widthNanos);
        long first = Math.Max(newest - _buckets.Length + 1, UnixNanos.FloorDiv(fromUnixNano, _widthNanos));
        long last = Math.Min(newest, UnixNanos.FloorDiv(toUnixNano - 1, _widthNanos));
        for (long key = first; key <= last; key++)
        {
            TBucket? bucket = Find(key);
            if (bucket is not null)
            {
                yield return new TimeWindow<TBucket>(key * _widthNanos, (key + 1) * _widthNanos, bucket);
            }
        }
    }

    /// <summary>Every retained, non-empty bucket, oldest first.</summary>
    public IEnumerable<TimeWindow<TBucket>> All() => Range(long.MinValue, long.MaxValue);

    /// <summary>The number of the bucket an event time falls in; bucket k covers [k * width, (k + 1) * width).</summary>
    public long KeyOf(long eventUnixNano) => UnixNanos.FloorDiv(eventUnixNano, _widthNanos);

    /// <summary>The window of bucket <paramref name="key"/>: its bucket when retained and non-empty, otherwise an empty one.</summary>
    public TimeWindow<TBucket> WindowOf(long key) => new(key * _widthNanos, (key + 1) * _widthNanos, Find(key) ?? new TBucket());

    private static long ToNanos(TimeSpan span) => checked(span.Ticks * 100);

    /// <summary>
    /// The key of the newest bucket that is sealed: it ends at or before watermark - allowed lateness, so every event
    /// that would belong to it is refused as late. Null before the first event.
    /// </summary>
    public long? SealedThroughKey =>
        !_hasWatermark || _watermark < long.MinValue + _allowedLatenessNanos
            ? null
            : UnixNanos.FloorDiv(_watermark - _allowedLatenessNanos, _widthNanos) - 1;

    /// <summary>The key through which every retained bucket is in the caller's store, or null while none is.</summary>
    public long? StoredThroughKey => _storedThroughKey;

    /// <summary>The key of the oldest bucket the ring retains, or null before the first event.</summary>
    public long? OldestRetainedKey => _hasWatermark ? UnixNanos.FloorDiv(_watermark, _widthNanos) - _buckets.Length + 1 : null;

    /// <summary>The retained, non-empty buckets that are sealed but not in the caller's store yet, oldest first.</summary>
    public IEnumerable<TimeWindow<TBucket>> Unstored()
    {
        if (SealedThroughKey is not { } sealedThrough)
        {
            yield break;
        }

        long first = Math.Max(OldestRetainedKey!.Value, _storedThroughKey is { } stored ? stored + 1 : long.MinValue);
        for (long key = first; key <= sealedThrough; key++)
        {
            int slot = SlotOf(key);
            if (_keys[slot] == key && _buckets[slot] is { } bucket)
            {
                yield return new TimeWindow<TBucket>(key * _widthNanos, (key + 1) * _widthNanos, bucket);
            }
        }
    }

    /// <summary>
    /// Notes that the caller's store holds every sealed bucket through <paramref name="throughKey"/>: they stay
    /// queryable but leave the serialized state. Only sealed buckets may be stored, since they can no longer change.
    /// </summary>
    public void MarkStored(long throughKey)
    {
        if (SealedThroughKey is not { } sealedThrough || throughKey > sealedThrough)
        {
            throw new ArgumentOutOfRangeException(nameof(throughKey), throughKey, $"Only sealed buckets can be stored (sealed through {SealedThroughKey?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).");
        }

        if (_storedThroughKey is { } stored && throughKey <= stored)
        {
            return;
        }

        _stored ??= new TBucket?[_buckets.Length];
        long first = Math.Max(OldestRetainedKey!.Value, _storedThroughKey is { } previous ? previous + 1 : long.MinValue);
        for (long key = first; key <= throughKey; key++)
        {
            int slot = SlotOf(key);
            if (_keys[slot] == key && _buckets[slot] is { } bucket)
            {
                _stored[slot] = bucket;
                _buckets[slot] = null;
            }
        }

        _storedThroughKey = throughKey;
    }

    /// <summary>
    /// Puts back a bucket read from the caller's store after a restore. False, changing nothing, when the bucket is
    /// not one this state says is stored: newer than <see cref="StoredThroughKey"/> (the store may run ahead of a
    /// checkpoint that failed), out of retention, or already held.
    /// </summary>
    public bool RestoreStored(long key, TBucket bucket)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        if (_storedThroughKey is not { } stored || key > stored || key < OldestRetainedKey!.Value)
        {
            return false;
        }

        int slot = SlotOf(key);
        _stored ??= new TBucket?[_buckets.Length];
        if (_keys[slot] == key && (_buckets[slot] is not null || _stored[slot] is not null))
        {
            return false;
        }

        _keys[slot] = key;
        _buckets[slot] = null;
        _stored[slot] = bucket;
        return true;
    }

    private TBucket? Find(long key)
    {
        int slot = SlotOf(key);
        return _keys[slot] == key ? _buckets[slot] ?? _stored?[slot] : null;
    }

    private void Advance(long newWatermark)
    {
        long oldNewest = UnixNanos.FloorDiv(_watermark, _widthNanos);
        long newNewest = UnixNanos.FloorDiv(newWatermark, _widthNanos);
        _watermark = newWatermark;
        if (newNewest == oldNewest)
        {
            return;
        }

        // Drop what fell out of retention now rather than when its slot is reused, to release memory early.
        long oldOldest = oldNewest - _buckets.Length + 1;
        long newOldest = newNewest - _buckets.Length + 1;
        if (newOldest - oldOldest >= _buckets.Length)
        {
            Array.Clear(_buckets);
            if (_stored is not null)
            {
                Array.Clear(_stored);
            }

            return;
        }

        for (long key = oldOldest; key < newOldest; key++)
        {
            int slot = SlotOf(key);
            if (_keys[slot] == key)
            {
                _buckets[slot] = null;
                _stored?[slot] = null;
            }
        }
    }

    private int SlotOf(long key)
    {
        long slot = key % _buckets.Length;
        return (int)(slot < 0 ? slot + _buckets.Length : slot);
    }
}
