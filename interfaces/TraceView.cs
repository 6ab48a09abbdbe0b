namespace OtlpGrains.Interfaces;

/// <summary>An assembled trace that tail sampling kept.</summary>
/// <param name="TraceId">32 lowercase hex characters.</param>
/// <param name="Spans">The spans, parents before children.</param>
/// <param name="CriticalPath">Span ids (hex) from the root down the path that bounds the trace's duration.</param>
/// <param name="SelfTimeMs">Per service, the time its spans spent not waiting on a child span.</param>
/// <param name="Orphans">Spans whose parent never arrived.</param>
/// <param name="CutSpans">Spans refused because the trace reached its span limit.</param>
/// <param name="KeptBecause">error, slow or sampled.</param>
[GenerateSerializer, Immutable, Alias("otlpgrains.TraceView")]
public sealed record TraceView(
    [property: Id(0)] string TraceId,
    [property: Id(1)] TraceSpanView[] Spans,
    [property: Id(2)] string[] CriticalPath,
    [property: Id(3)] IReadOnlyDictionary<string, double> SelfTimeMs,
    [property: Id(4)] int Orphans,
    [property: Id(5)] long CutSpans,
    [property: Id(6)] string KeptBecause);

/// <summary>One span of a kept trace, as the query API shows it.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.TraceSpanView")]
public sealed record TraceSpanView(
    [property: Id(0)] string SpanId,
    [property: Id(1)] string? ParentSpanId,
    [property: Id(2)] string Service,
    [property: Id(3)] string Name,
    [property: Id(4)] string Kind,
    [property: Id(5)] DateTimeOffset Start,
    [property: Id(6)] DateTimeOffset End,
    [property: Id(7)] double DurationMs,
    [property: Id(8)] string Status)
{
    /// <summary>The span's attributes as sent (up to <see cref="SpanAttributes.MaxBytesPerSpan"/> encoded bytes of them).</summary>
    [Id(9)] public AttributeView[] Attributes { get; init; } = [];
}
