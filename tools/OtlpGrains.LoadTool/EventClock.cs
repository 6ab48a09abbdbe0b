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
    public DateTimeOffset Now => _eventStart + ((_time.GetUtcNow() - _wallStart) * _speed);

    /// <summary>Event time elapsed since the start of the run.</summary>
    public TimeSpan Elapsed => Now - _eventStart;

    /// <summary>False once event time would run ahead of the wall clock, where the gateway would refuse it.</summary>
    public bool BehindWallClock => Now <= _time.GetUtcNow();

    public ulong NowUnixNano() => (ulong)(Now - DateTimeOffset.UnixEpoch).Ticks * 100;
}
