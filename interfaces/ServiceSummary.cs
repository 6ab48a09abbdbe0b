namespace OtlpGrains.Interfaces;

/// <summary>
/// A service at a glance. <see cref="Spans"/>, <see cref="Requests"/> and <see cref="Errors"/> are totals since
/// first seen; rate, error ratio and latency are over the last complete window (<see cref="WindowStart"/> to
/// <see cref="WindowEnd"/>). <see cref="AnomalyScore"/>, <see cref="Status"/> (<c>ok|warning|critical</c>) and
/// <see cref="Model"/> are the detection's verdict on that last closed span window and the version that gave it.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ServiceSummary")]
public sealed record ServiceSummary(
    [property: Id(0)] string Name,
    [property: Id(1)] long Spans,
    [property: Id(2)] long Requests,
    [property: Id(3)] long Errors,
    [property: Id(4)] double Rate,
    [property: Id(5)] double ErrorRatio,
    [property: Id(6)] LatencySummary LatencyMs,
    [property: Id(7)] DateTimeOffset? LastSeen,
    [property: Id(8)] DateTimeOffset? WindowStart,
    [property: Id(9)] DateTimeOffset? WindowEnd,
    [property: Id(10)] double AnomalyScore = 0,
    [property: Id(11)] string Status = "ok",
    [property: Id(12)] AnomalyModelRef? Model = null);
