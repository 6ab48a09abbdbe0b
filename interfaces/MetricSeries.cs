namespace OtlpGrains.Interfaces;

/// <summary>One metric of a service over a range, as one point per window.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.MetricSeries")]
public sealed record MetricSeries(
    [property: Id(0)] string Name,
    [property: Id(1)] MetricKind Type,
    [property: Id(2)] MetricWindow[] Points);

/// <summary>
/// A metric's data points that fell in one window: how many, and their sum, minimum, maximum and last value
/// (for histograms and summaries the values are the points' sums and <see cref="Count"/> adds their counts).
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.MetricWindow")]
public sealed record MetricWindow(
    [property: Id(0)] DateTimeOffset Start,
    [property: Id(1)] DateTimeOffset End,
    [property: Id(2)] long Points,
    [property: Id(3)] long Count,
    [property: Id(4)] double Sum,
    [property: Id(5)] double Min,
    [property: Id(6)] double Max,
    [property: Id(7)] double Last);
