namespace OtlpGrains.Interfaces;

/// <summary>
/// The spans of one trace that arrived in one OTLP request. A struct held inline in its shard's batch, which carries
/// the request's batch id: a request of 64 traces allocates no object and no hex string per trace.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.TraceSpanBatch")]
public readonly record struct TraceSpanBatch(
    [property: Id(0)] TraceKey TraceId,
    [property: Id(1)] TraceSpan[] Spans)
{
    /// <summary>The spans' attributes as the request encoded them, or null when none of the spans had any.</summary>
    [Id(2)] public SpanAttributes? Attributes { get; init; }
}
