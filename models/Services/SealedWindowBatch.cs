namespace OtlpGrains.Models.Services;

/// <summary>
/// The sealed windows a service has not stored yet, and how far each signal's store reaches once they are stored
/// (windows without events are not written but are covered). Store the windows, then hand the batch to
/// <see cref="ServiceStatistics.MarkStored"/>, then checkpoint.
/// </summary>
public sealed class SealedWindowBatch
{
    internal SealedWindowBatch(IReadOnlyList<SealedWindow> windows, IReadOnlyList<WindowRange> ranges, long?[] throughKeys)
    {
        Windows = windows;
        Ranges = ranges;
        ThroughKeys = throughKeys;
    }

    /// <summary>The windows with events, oldest first per signal.</summary>
    public IReadOnlyList<SealedWindow> Windows { get; }

    /// <summary>Per signal that sealed something new, the span of windows the write covers (empty windows included).</summary>
    public IReadOnlyList<WindowRange> Ranges { get; }

    /// <summary>True when the store has nothing to do.</summary>
    public bool IsEmpty => Ranges.Count == 0;

    /// <summary>Per <see cref="WindowedSignal"/>: the key through which the store holds the signal's windows, or null.</summary>
    internal long?[] ThroughKeys { get; }
}
