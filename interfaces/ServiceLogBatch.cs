namespace OtlpGrains.Interfaces;

/// <summary>The log records of one OTLP request for one service.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ServiceLogBatch")]
public sealed record ServiceLogBatch(
    [property: Id(0)] Guid BatchId,
    [property: Id(1)] LogLine[] Logs);
