namespace OtlpGrains.Interfaces;

/// <summary>
/// A request that backs a window's figures with a trace: the window's slowest request, or its last failed one. In a
/// <see cref="ServiceSpanBatch"/> the operation indexes the batch's <see cref="ServiceSpanBatch.Operations"/>; in a
/// service's window, the service's own operation ids.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.TraceExemplar")]
public readonly record struct TraceExemplar(
    [property: Id(0)] TraceKey Trace,
    [property: Id(1)] long EndUnixNano,
    [property: Id(2)] long DurationNanos,
    [property: Id(3)] int Operation,
    [property: Id(4)] bool Failed)
{
    /// <summary>
    /// In a batch, the index of the request's span in <see cref="ServiceSpanBatch.Spans"/>: the span's window takes the
    /// exemplar as the span is placed, before later spans of the batch move the watermark on.
    /// </summary>
    [Id(5)] public int SpanIndex { get; init; }
}

/// <summary>
/// A <see cref="TraceExemplar"/> as a reader sees it. The tail sampler always keeps a failed request's trace; a slow
/// request's trace is kept when its root was slow too (or by chance), so a slowest request's trace may be missing.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.RequestTrace")]
public sealed record RequestTrace(
    [property: Id(0)] string TraceId,
    [property: Id(1)] string Operation,
    [property: Id(2)] DateTimeOffset End,
    [property: Id(3)] double DurationMs,
    [property: Id(4)] bool Failed);
