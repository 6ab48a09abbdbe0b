namespace OtlpGrains.Interfaces;

/// <summary>
/// The log template a <c>logs</c> anomaly event is about: its id (stable for the service), its text with
/// <c>&lt;*&gt;</c> wildcards, the most severe level seen on it (UNSPECIFIED, TRACE, DEBUG, INFO, WARN, ERROR,
/// FATAL), the window's records of it, and whether it is new (first seen within the last minute).
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.LogTemplateRef")]
public sealed record LogTemplateRef(
    [property: Id(0)] int Id,
    [property: Id(1)] string Text,
    [property: Id(2)] string Severity,
    [property: Id(3)] long Count,
    [property: Id(4)] bool New);
