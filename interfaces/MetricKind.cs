namespace OtlpGrains.Interfaces;

/// <summary>The OTLP metric data type of a series.</summary>
public enum MetricKind : byte
{
    Gauge = 0,
    Sum = 1,
    Histogram = 2,
    ExponentialHistogram = 3,
    Summary = 4,
}
