namespace OtlpGrains.Models.Services;

/// <summary>
/// When each closing signal of a service (spans, metric points, log records) last received a batch, on the wall
/// clock, and so which of them went idle. An idle signal's windows close through its last event's window
/// (<see cref="ServiceStatistics.CloseIdle"/>) instead of waiting for a later event that may never come: the last
/// minute of a service that stopped, or a metric scrape while the next one is a minute away. Not state: after a
/// restart every signal counts as having just arrived, so a stopped service's windows still close one idle time later.
/// </summary>
public sealed class IdleSignals
{
    private static readonly WindowSignal[] Closing = [WindowSignal.Spans, WindowSignal.Metrics, WindowSignal.Logs];

    private readonly TimeProvider _time;
    private readonly long _idleTicks;
    private readonly long[] _lastArrival = new long[Closing.Length];

    /// <param name="idle">How long a signal must receive nothing to count as idle; zero or less turns idleness off.</param>
    /// <param name="time">The wall clock.</param>
    public IdleSignals(TimeSpan idle, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _idleTicks = idle.Ticks;
        Array.Fill(_lastArrival, time.GetUtcNow().UtcTicks);
    }

    /// <summary>The idle time in nanoseconds, for reckoning when, in event time, an idle close is known.</summary>
    public long IdleNanos => _idleTicks * 100;

    /// <summary>Notes that a batch of <paramref name="signal"/> arrived now.</summary>
    public void Arrived(WindowSignal signal)
    {
        if ((int)signal < _lastArrival.Length)
        {
            _lastArrival[(int)signal] = _time.GetUtcNow().UtcTicks;
        }
    }

    /// <summary>
    /// The closing signals that received nothing for the idle time (none when idleness is off). The log windows also
    /// count the spans' code-path steps, so they are idle only when the spans are too: while the spans go on, a
    /// service that logs now and then must still find the window of a line that comes a few seconds late open (the
    /// log windows' own rule closes them behind the spans, at the allowed lateness).
    /// </summary>
    public IEnumerable<WindowSignal> Idle()
    {
        if (_idleTicks <= 0)
        {
            yield break;
        }

        long now = _time.GetUtcNow().UtcTicks;
        foreach (WindowSignal signal in Closing)
        {
            if (IsIdle(signal, now) && (signal != WindowSignal.Logs || IsIdle(WindowSignal.Spans, now)))
            {
                yield return signal;
            }
        }
    }

    private bool IsIdle(WindowSignal signal, long now) => now - _lastArrival[(int)signal] >= _idleTicks;

    /// <summary>
    /// The event time at which the close of an idle signal's windows is known: as the wall clock would have it live,
    /// the signal's watermark plus the idle time, and never before the window could have closed on its watermark
    /// (its end plus the close delay).
    /// </summary>
    public long DetectedAt(long watermarkUnixNano, long windowEndUnixNano, long closeDelayNanos) =>
        Math.Max(SaturatingAdd(watermarkUnixNano, IdleNanos), SaturatingAdd(windowEndUnixNano, closeDelayNanos));

    /// <summary>
    /// When, in event time, a window a batch closed is known. In the main at the signal's watermark after the batch;
    /// but when the window held the watermark before the batch (or was older) and the batch came more than the idle
    /// time after it, the idle close would have closed the window first, live, at <see cref="DetectedAt"/>. Replayed
    /// faster than live, the batch always comes before the idle timer fires; dating the window this way gives it the
    /// time living through the data gives it, whichever of the two closed it.
    /// </summary>
    /// <param name="window">The window that closed.</param>
    /// <param name="watermarkBefore">The signal's watermark before the batch (null before its first event).</param>
    /// <param name="watermarkAfter">The signal's watermark after it.</param>
    /// <param name="closeDelayNanos">The close delay.</param>
    public long KnownAt(ClosedWindow window, long? watermarkBefore, long watermarkAfter, long closeDelayNanos)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (_idleTicks <= 0 || watermarkBefore is not { } before || window.StartUnixNano > before)
        {
            return watermarkAfter;
        }

        return Math.Min(watermarkAfter, DetectedAt(before, window.EndUnixNano, closeDelayNanos));
    }

    private static long SaturatingAdd(long a, long b) => b > 0 && a > long.MaxValue - b ? long.MaxValue : a + b;
}
