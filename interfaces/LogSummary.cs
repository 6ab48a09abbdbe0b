namespace OtlpGrains.Interfaces;

/// <summary>Log records over a range, by severity name (TRACE, DEBUG, INFO, WARN, ERROR, FATAL, UNSPECIFIED).</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.LogSummary")]
public sealed record LogSummary(
    [property: Id(0)] long Total,
    [property: Id(1)] IReadOnlyDictionary<string, long> BySeverity);
