namespace OtlpGrains.Interfaces;

/// <summary>
/// One log template of a service over a range: its id and text, its records in the range, first and last seen (event
/// time, ever), its most severe level, its last window's frequency score in [0, 1], and its recent exemplars (newest
/// first).
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.LogTemplateSummary")]
public sealed record LogTemplateSummary(
    [property: Id(0)] int Id,
    [property: Id(1)] string Template,
    [property: Id(2)] long Count,
    [property: Id(3)] DateTimeOffset FirstSeen,
    [property: Id(4)] DateTimeOffset LastSeen,
    [property: Id(5)] string Severity,
    [property: Id(6)] double Score,
    [property: Id(7)] LogLine[] Exemplars);
