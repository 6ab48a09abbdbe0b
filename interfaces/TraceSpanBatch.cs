namespace OtlpGrains.Interfaces;

/// <summary>The spans of one trace that arrived in one OTLP request: one grain call per trace per request.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.TraceSpanBatch")]
public sealed record TraceSpanBatch(
    [property: Id(0)] Guid BatchId,
    [property: Id(1)] TraceSpan[] Spans);
