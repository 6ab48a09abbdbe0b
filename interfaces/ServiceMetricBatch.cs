namespace OtlpGrains.Interfaces;

/// <summary>The metric data points of one OTLP request for one service.</summary>
/// <param name="BatchId">Identifies the OTLP request the batch came from.</param>
/// <param name="Names">The distinct metric names; <see cref="MetricPoint.Name"/> indexes it.</param>
/// <param name="Points">The data points.</param>
[GenerateSerializer, Immutable, Alias("otlpgrains.ServiceMetricBatch")]
public sealed record ServiceMetricBatch(
    [property: Id(0)] Guid BatchId,
    [property: Id(1)] string[] Names,
    [property: Id(2)] MetricPoint[] Points);
