namespace OtlpGrains.Interfaces;

/// <summary>The spans of one shard's traces that arrived in one OTLP request: one grain call per shard per request.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.TraceShardBatch")]
public sealed record TraceShardBatch(
    [property: Id(0)] Guid BatchId,
    [property: Id(1)] TraceSpanBatch[] Traces);
