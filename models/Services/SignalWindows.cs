using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>
/// The event-time windows of one signal (spans, edge calls, metric points or log records) with the signal's own
/// watermark, and the moment each of its windows closes. Each signal has its own, so that clock skew or a backlog in
/// one signal does not move the windows of another.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.SignalWindows`1")]
internal sealed class SignalWindows<TBucket>
    where TBucket : class, new()
{
    [Id(0)]
    private readonly EventTimeWindows<TBucket> _windows;

    [Id(1)]
    private readonly WindowCloser _closer;

    public SignalWindows(ServiceWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var width = TimeSpan.FromSeconds(options.BucketSeconds);
        _windows = new EventTimeWindows<TBucket>(
            width,
            TimeSpan.FromSeconds(options.RetentionSeconds),
            TimeSpan.FromSeconds(options.AllowedLatenessSeconds),
            TimeSpan.FromSeconds(options.MaxFutureSkewSeconds));
        _closer = new WindowCloser(width, TimeSpan.FromSeconds(options.CloseDelaySeconds), _windows.Slots);
    }

    public EventTimeWindows<TBucket> Windows => _windows;

    /// <summary>The signal's watermark: the largest event time its windows accepted, or null before the first.</summary>
    public long? Watermark => _windows.Watermark;

    /// <summary>The key of the last window that closed, or null while none has.</summary>
    public long? LastClosedKey => _closer.LastClosedKey;

    /// <summary>Windows skipped without closing (see <see cref="WindowCloser.Skipped"/>).</summary>
    public long SkippedWindows => _closer.Skipped;

    /// <summary>The bucket of an event, or null when the windows refuse it (too late, or too far in the future).</summary>
    public TBucket? Place(long eventUnixNano, long nowUnixNano)
    {
        TBucket? bucket = _windows.Place(eventUnixNano, nowUnixNano, out _);
        if (bucket is not null)
        {
            _closer.Observe(_windows.KeyOf(eventUnixNano));
        }

        return bucket;
    }

    /// <summary>
    /// Adds the sealed windows not stored yet to <paramref name="into"/>, oldest first, and the span they cover to
    /// <paramref name="ranges"/>; returns the key through which the store will hold this signal's windows once they
    /// are stored, or null while nothing is sealed.
    /// </summary>
    public long? CollectUnstored(WindowedSignal signal, List<SealedWindow> into, List<WindowRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(ranges);
        if (_windows.SealedThroughKey is not { } sealedThrough || sealedThrough <= _windows.StoredThroughKey)
        {
            return _windows.StoredThroughKey;
        }

        foreach (TimeWindow<TBucket> window in _windows.Unstored())
        {
            into.Add(new SealedWindow(signal, window.StartUnixNano, window.Bucket));
        }

        // The first write of a signal covers everything before it too: whatever a store holds there is not ours.
        long from = _windows.StoredThroughKey is { } stored ? (stored + 1) * _windows.WidthNanos : long.MinValue;
        ranges.Add(new WindowRange(signal, from, (sealedThrough + 1) * _windows.WidthNanos));
        return sealedThrough;
    }

    /// <summary>Notes that the store holds this signal's windows through <paramref name="throughKey"/> (nothing when null).</summary>
    public void MarkStored(long? throughKey)
    {
        if (throughKey is { } key)
        {
            _windows.MarkStored(key);
        }
    }

    /// <summary>Puts back a window read from the store; false when this state does not count it as stored.</summary>
    public bool RestoreStored(SealedWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (window.Bucket is not TBucket bucket)
        {
            throw new InvalidDataException($"stored {window.Signal} window at {window.StartUnixNano} holds a {window.Bucket?.GetType().Name ?? "null"}, not a {typeof(TBucket).Name}");
        }

        return _windows.RestoreStored(_windows.KeyOf(window.StartUnixNano), bucket);
    }

    /// <summary>Where this signal's retained windows begin, or null before its first event.</summary>
    public WindowRetention? RetainedFrom(WindowedSignal signal) =>
        _windows.OldestRetainedKey is { } oldest ? new WindowRetention(signal, oldest * _windows.WidthNanos) : null;

    /// <summary>
    /// The windows whose close moment the watermark has passed and that were not given before, oldest first; a
    /// window that saw no event comes as an empty bucket.
    /// </summary>
    public List<TimeWindow<TBucket>> TakeClosed() => TakeClosed(_windows.Watermark);

    /// <summary>True when the window holding the watermark, or one before it, has not closed.</summary>
    public bool HasOpenWindows => _windows.Watermark is { } watermark && _closer.HasOpenThrough(watermark);

    /// <summary>
    /// For a signal that went idle: the windows not given before, up to and including the one holding the watermark,
    /// oldest first (see <see cref="WindowCloser.CloseIdle"/>).
    /// </summary>
    public List<TimeWindow<TBucket>> TakeIdle()
    {
        if (_windows.Watermark is not { } watermark || !_closer.HasOpenThrough(watermark))
        {
            return [];
        }

        var keys = new List<long>();
        _closer.CloseIdle(watermark, keys);
        return keys.ConvertAll(_windows.WindowOf);
    }

    /// <summary>
    /// As <see cref="TakeClosed()"/>, for a signal whose windows close at a watermark of its own choosing,
    /// <paramref name="closing"/>, at most the windows' watermark (null: nothing closes).
    /// </summary>
    public List<TimeWindow<TBucket>> TakeClosed(long? closing)
    {
        // Called after every batch, and most batches close nothing: allocate only when something closes.
        if (closing is not { } watermark || !_closer.IsDue(watermark))
        {
            return [];
        }

        var keys = new List<long>();
        _closer.Close(watermark, keys);
        return keys.ConvertAll(_windows.WindowOf);
    }
}
