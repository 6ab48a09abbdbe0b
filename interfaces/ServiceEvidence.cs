namespace OtlpGrains.Interfaces;

/// <summary>
/// What a service's windows say about an incident: its requests, errors and p99 over the incident's range against a
/// baseline range before it, the same for each outgoing edge, and its WARN-or-worse log templates whose count rose.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ServiceEvidence")]
public sealed record ServiceEvidence(
    [property: Id(0)] string Service,
    [property: Id(1)] ShiftStats Requests,
    [property: Id(2)] EdgeShift[] Callees,
    [property: Id(3)] TemplateShift[] Templates)
{
    /// <summary>Code paths (template A then B in one span) whose share shifted in the incident range, strongest first.</summary>
    [Id(4)] public PathShift[] Paths { get; init; } = [];

    /// <summary>The service's own metric series (CPU, memory, ...) that moved in the incident range against the baseline, strongest first.</summary>
    [Id(5)] public MetricShift[] Metrics { get; init; } = [];

    /// <summary>Requests of the incident range whose traces show it: the last failed one and the slowest (each when there is one).</summary>
    [Id(6)] public RequestTrace[] Traces { get; init; } = [];
}

/// <summary>Calls (or requests), errors and p99 (ms; NaN without calls) in the incident range and in the baseline.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ShiftStats")]
public sealed record ShiftStats(
    [property: Id(0)] long Calls,
    [property: Id(1)] long Errors,
    [property: Id(2)] double P99Ms,
    [property: Id(3)] long BaselineCalls,
    [property: Id(4)] long BaselineErrors,
    [property: Id(5)] double BaselineP99Ms)
{
    public double ErrorRatio => Calls == 0 ? 0 : (double)Errors / Calls;

    public double BaselineErrorRatio => BaselineCalls == 0 ? 0 : (double)BaselineErrors / BaselineCalls;
}

/// <summary>One outgoing edge's shift; see <see cref="ServiceEvidence"/>.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.EdgeShift")]
public sealed record EdgeShift(
    [property: Id(0)] string Server,
    [property: Id(1)] bool Virtual,
    [property: Id(2)] ShiftStats Stats);

/// <summary>A log template whose count rose: per range, and whether it is new in the incident range.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.TemplateShift")]
public sealed record TemplateShift(
    [property: Id(0)] int Id,
    [property: Id(1)] string Template,
    [property: Id(2)] string Severity,
    [property: Id(3)] long Count,
    [property: Id(4)] long BaselineCount);

/// <summary>
/// A code path whose share shifted: of <see cref="Lines"/> lines of template <see cref="From"/> in the incident range,
/// <see cref="Followed"/> were followed by template <see cref="To"/> in the same span, where usually a share
/// <see cref="UsualShare"/> were; <see cref="Surprise"/> is the G-test's, in nats (about -ln p).
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.PathShift")]
public sealed record PathShift(
    [property: Id(0)] string From,
    [property: Id(1)] string To,
    [property: Id(2)] long Followed,
    [property: Id(3)] long Lines,
    [property: Id(4)] double UsualShare,
    [property: Id(5)] double Surprise)
{
    /// <summary>The operation (span name) whose spans took another path, when the path starts at the span itself.</summary>
    [Id(6)] public string? Operation { get; init; }
}

/// <summary>
/// A metric series of the service whose mean moved: its mean in the incident range and in the baseline, and how many
/// baseline spreads apart they are (<see cref="Deviation"/>, robust: median and MAD of the baseline windows).
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.MetricShift")]
public sealed record MetricShift(
    [property: Id(0)] string Name,
    [property: Id(1)] double Mean,
    [property: Id(2)] double BaselineMedian,
    [property: Id(3)] double Deviation);
