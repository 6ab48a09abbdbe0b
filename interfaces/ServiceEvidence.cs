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
    [property: Id(3)] TemplateShift[] Templates);

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
