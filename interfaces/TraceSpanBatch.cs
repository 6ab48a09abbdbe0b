namespace OtlpGrains.Interfaces;

/// <summary>The spans of one trace that arrived in one OTLP request, with the trace's 32-digit hex id.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.TraceSpanBatch")]
public sealed record TraceSpanBatch(
    [property: Id(0)] Guid BatchId,
    [property: Id(1)] TraceSpan[] Spans,
    [property: Id(2)] string TraceId);
