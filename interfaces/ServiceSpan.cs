namespace OtlpGrains.Interfaces;

/// <summary>
/// One span as a service grain sees it: just what the rolling windows need. The operation is an index into
/// <see cref="ServiceSpanBatch.Operations"/> so that a batch carries each span name once.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ServiceSpan")]
public readonly record struct ServiceSpan(
    [property: Id(0)] long EndUnixNano,
    [property: Id(1)] long DurationNanos,
    [property: Id(2)] int Operation,
    [property: Id(3)] SpanKindCode Kind,
    [property: Id(4)] SpanRole Role)
{
    /// <summary>The span's id (big-endian bytes as a number, as <see cref="LogLine.SpanId"/>), 0 when unknown: ties the span to its log lines.</summary>
    [Id(5)] public ulong SpanId { get; init; }
}
