using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>
/// Decides when each window of one signal closes: once the signal's watermark has passed the window's end plus the
/// close delay. Windows close in key order, each exactly once, from the first window that saw an event; a window
/// without events between two others closes too (a stopped signal is news). Only the next key to close is state,
/// so a checkpoint records which windows have closed.
/// </summary>
/// <remarks>
/// Data for a window that already closed still lands in the window (while the allowed lateness lets it) but does
/// not close it again. After a long silence only the windows still retained close; older ones are skipped, since
/// their buckets are gone.
/// </remarks>
[GenerateSerializer, Alias("otlpgrains.WindowCloser")]
internal sealed class WindowCloser
{
    [Id(0)]
    private readonly long _widthNanos;

    [Id(1)]
    private readonly long _closeDelayNanos;

    [Id(2)]
    private readonly int _retained;

    [Id(3)]
    private bool _started;

    [Id(4)]
    private bool _closedAny;

    // Every window with a smaller key has closed (or was skipped) once _closedAny is set.
    [Id(5)]
    private long _nextKey;

    /// <param name="width">Width of a window.</param>
    /// <param name="closeDelay">How far the watermark must pass a window's end before it closes.</param>
    /// <param name="retained">How many windows the signal's ring holds; older ones cannot close.</param>
    public WindowCloser(TimeSpan width, TimeSpan closeDelay, int retained)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(width, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(closeDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(retained, 1);
        _widthNanos = checked(width.Ticks * 100);
        _closeDelayNanos = checked(closeDelay.Ticks * 100);
        _retained = retained;
    }

    // Not state: how many windows this object skipped since it was made or restored, for the grain's drop counter.
    [NonSerialized]
    private long _skipped;

    /// <summary>The key of the last window that closed, or null while none has.</summary>
    public long? LastClosedKey => _closedAny ? _nextKey - 1 : null;

    /// <summary>Notes that an event landed in window <paramref name="key"/>.</summary>
    public void Observe(long key)
    {
        if (!_started)
        {
            _started = true;
            _nextKey = key;
        }
        else if (!_closedAny && key < _nextKey)
        {
            _nextKey = key; // still nothing closed: an earlier window that saw an event closes first
        }
    }

    /// <summary>
    /// Windows that never closed because the ring no longer held them when the watermark jumped past (a long
    /// silence, or a clock jump), since this object was made or restored.
    /// </summary>
    public long Skipped => _skipped;

    /// <summary>True when at least one window closes at <paramref name="watermark"/>.</summary>
    public bool IsDue(long watermark) => _started && LastClosable(watermark) >= _nextKey;

    /// <summary>Appends the keys of the windows that close at <paramref name="watermark"/>, oldest first, and marks them closed.</summary>
    public void Close(long watermark, List<long> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (IsDue(watermark))
        {
            CloseThrough(LastClosable(watermark), watermark, keys);
        }
    }

    /// <summary>True when the window holding <paramref name="watermark"/>, or one before it, has not closed.</summary>
    public bool HasOpenThrough(long watermark) => _started && UnixNanos.FloorDiv(watermark, _widthNanos) >= _nextKey;

    /// <summary>
    /// For a signal that went idle: appends the keys of every window not closed yet up to and including the one
    /// holding <paramref name="watermark"/> (the signal's own), oldest first, and marks them closed. Nothing after
    /// the watermark closes: an idle signal says its data has all come, not that time went on without it.
    /// </summary>
    public void CloseIdle(long watermark, List<long> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (HasOpenThrough(watermark))
        {
            CloseThrough(UnixNanos.FloorDiv(watermark, _widthNanos), watermark, keys);
        }
    }

    private void CloseThrough(long last, long watermark, List<long> keys)
    {
        long oldestRetained = UnixNanos.FloorDiv(watermark, _widthNanos) - _retained + 1;
        _skipped += Math.Max(0, Math.Min(oldestRetained, last + 1) - _nextKey);
        for (long key = Math.Max(_nextKey, oldestRetained); key <= last; key++)
        {
            keys.Add(key);
        }

        _nextKey = last + 1;
        _closedAny = true;
    }

    // Window k ends at (k + 1) * width; it may close when that end plus the delay is at or before the watermark.
    private long LastClosable(long watermark) =>
        watermark < long.MinValue + _closeDelayNanos ? long.MinValue : UnixNanos.FloorDiv(watermark - _closeDelayNanos, _widthNanos) - 1;
}
