namespace OtlpGrains.Interfaces;

/// <summary>Latency percentiles in milliseconds; zero when there was no data.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.LatencySummary")]
public sealed record LatencySummary(
    [property: Id(0)] double P50,
    [property: Id(1)] double P95,
    [property: Id(2)] double P99)
{
    public static LatencySummary Empty { get; } = new(0, 0, 0);
}
