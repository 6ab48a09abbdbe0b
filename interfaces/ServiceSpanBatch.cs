namespace OtlpGrains.Interfaces;

/// <summary>All spans of one OTLP request that belong to one service: one grain call per service per request.</summary>
/// <param name="BatchId">Identifies the OTLP request the batch came from.</param>
/// <param name="Operations">The distinct span names of the batch; <see cref="ServiceSpan.Operation"/> indexes it.</param>
/// <param name="Spans">The spans.</param>
[GenerateSerializer, Immutable, Alias("otlpgrains.ServiceSpanBatch")]
public sealed record ServiceSpanBatch(
    [property: Id(0)] Guid BatchId,
    [property: Id(1)] string[] Operations,
    [property: Id(2)] ServiceSpan[] Spans)
{
    /// <summary>The batch's slowest request and its last failed one (each when there is one): traces that back a window.</summary>
    [Id(3)] public TraceExemplar[] Exemplars { get; init; } = [];
}
