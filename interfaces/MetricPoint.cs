namespace OtlpGrains.Interfaces;

/// <summary>
/// One OTLP data point reduced to what a window keeps. Gauges and sums carry their value in
/// <see cref="Value"/> with <see cref="Count"/> = 1; histograms and summaries carry their sum and count.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.MetricPoint")]
public readonly record struct MetricPoint(
    [property: Id(0)] int Name,
    [property: Id(1)] MetricKind Kind,
    [property: Id(2)] long TimeUnixNano,
    [property: Id(3)] double Value,
    [property: Id(4)] long Count);
