namespace OtlpGrains.Interfaces;

/// <summary>
/// A change of an incident, published on namespace <see cref="StreamNames.Incidents"/>: <c>opened</c>,
/// <c>updated</c> (a service joined or an anomaly event was added) or <c>resolved</c>, at an event time, with the
/// incident's services then. Read the incident itself through the directory for its ranked causes.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.IncidentNotice")]
public sealed record IncidentNotice(
    [property: Id(0)] string Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string[] Services);
