namespace OtlpGrains.LoadTool;

/// <summary>
/// The event time the load carries: by default the wall clock; with <c>--event-start</c> and <c>--speed</c> it
/// starts in the past and runs faster, so that an hour of telemetry can be sent in a minute (the gateway refuses
/// only event times ahead of its clock, never ones behind it).
/// </summary>
internal sealed class EventClock
{
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _wallStart;
    private readonly DateTimeOffset _eventStart;
    private readonly double _speed;

    public EventClock(TimeProvider time, TimeSpan eventStartOffset, double speed)
    {
        _time = time;
        _wallStart = time.GetUtcNow();
        _eventStart = _wallStart + eventStartOffset;
        _speed = speed;
    }

    /// <summary>Event time now.</summary>
    public DateTimeOffset Now => At(_time.GetUtcNow() - _wallStart);

    /// <summary>The event time <paramref name="wallElapsed"/> of wall time after the start of the run.</summary>
    public DateTimeOffset At(TimeSpan wallElapsed) => _eventStart + (wallElapsed * _speed);

    /// <summary>Event time elapsed between the start of the run and <paramref name="eventTime"/>.</summary>
    public TimeSpan ElapsedAt(DateTimeOffset eventTime) => eventTime - _eventStart;

    /// <summary>False once <paramref name="eventTime"/> is ahead of the wall clock, where the gateway would refuse it.</summary>
    public bool IsBehindWallClock(DateTimeOffset eventTime) => eventTime <= _time.GetUtcNow();

    public static ulong ToUnixNano(DateTimeOffset eventTime) => (ulong)(eventTime - DateTimeOffset.UnixEpoch).Ticks * 100;
}
