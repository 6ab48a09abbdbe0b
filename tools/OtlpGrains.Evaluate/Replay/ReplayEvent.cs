namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// One item to send at its event time: a <see cref="ReplaySpan"/> (at its end, when an SDK would export it), a
/// <see cref="NezhaLogLine"/> or a <see cref="NezhaMetricRow"/>; or a simulated span, log or gauge.
/// </summary>
internal readonly record struct ReplayEvent(long TimeUnixNano, object Item);

/// <summary>A half-open span of event time, in Unix nanoseconds: <c>[From, To)</c>.</summary>
internal readonly record struct EventRange(long FromUnixNano, long ToUnixNano)
{
    public bool Contains(long unixNano) => unixNano >= FromUnixNano && unixNano < ToUnixNano;

    public static long UnixNanos(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;

    public static DateTimeOffset Time(long unixNano) => DateTimeOffset.UnixEpoch + TimeSpan.FromTicks(unixNano / 100);
}
