namespace OtlpGrains.Interfaces;

/// <summary>One window of a service's request series.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.WindowPoint")]
public sealed record WindowPoint(
    [property: Id(0)] DateTimeOffset Start,
    [property: Id(1)] DateTimeOffset End,
    [property: Id(2)] long Requests,
    [property: Id(3)] long Errors,
    [property: Id(4)] double P50,
    [property: Id(5)] double P95,
    [property: Id(6)] double P99);
