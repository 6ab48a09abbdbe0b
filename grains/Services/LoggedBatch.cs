using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Services;

/// <summary>One batch as a service's durable log holds it: exactly one of the three kinds is set.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.LoggedBatch")]
public sealed record LoggedBatch(
    [property: Id(0)] Guid BatchId,
    [property: Id(1)] ServiceSpanBatch? Spans,
    [property: Id(2)] ServiceMetricBatch? Metrics,
    [property: Id(3)] ServiceLogBatch? Logs);
