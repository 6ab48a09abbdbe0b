namespace OtlpGrains.Interfaces;

/// <summary>
/// An incident as the API gives it. All times are event time: <see cref="DetectedAt"/> is the end of the window in
/// which it opened.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.IncidentView")]
public sealed record IncidentView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Status,
    [property: Id(2)] DateTimeOffset StartedAt,
    [property: Id(3)] DateTimeOffset DetectedAt,
    [property: Id(4)] DateTimeOffset? ResolvedAt,
    [property: Id(5)] IncidentServiceView[] Services,
    [property: Id(6)] RootCause[] RootCauses)
{
    /// <summary>The event-time range the causes' evidence covers (from a window before the start, a minute at least).</summary>
    [Id(7)] public DateTimeOffset? EvidenceFrom { get; init; }

    /// <summary>The end of the evidence range.</summary>
    [Id(8)] public DateTimeOffset? EvidenceTo { get; init; }

    /// <summary>The start of the baseline range, which ends at <see cref="EvidenceFrom"/>.</summary>
    [Id(9)] public DateTimeOffset? BaselineFrom { get; init; }
}

/// <summary>One anomalous service of an incident.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.IncidentServiceView")]
public sealed record IncidentServiceView(
    [property: Id(0)] string Name,
    [property: Id(1)] string Severity,
    [property: Id(2)] string[] Signals,
    [property: Id(3)] double MaxScore,
    [property: Id(4)] DateTimeOffset FirstOnset,
    [property: Id(5)] DateTimeOffset LastAnomalyEnd);
