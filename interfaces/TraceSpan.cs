namespace OtlpGrains.Interfaces;

/// <summary>
/// One span as a trace grain sees it. Ids are the OTLP bytes read as big-endian integers;
/// a root span has <see cref="ParentSpanId"/> 0.
/// </summary>
/// <param name="Peer">For CLIENT/PRODUCER spans, the uninstrumented peer named by <c>peer.service</c>,
/// <c>db.system</c>/<c>db.system.name</c> or <c>server.address</c>; null otherwise.</param>
[GenerateSerializer, Immutable, Alias("otlpgrains.TraceSpan")]
public readonly record struct TraceSpan(
    [property: Id(0)] ulong SpanId,
    [property: Id(1)] ulong ParentSpanId,
    [property: Id(2)] string Service,
    [property: Id(3)] string Name,
    [property: Id(4)] SpanKindCode Kind,
    [property: Id(5)] long StartUnixNano,
    [property: Id(6)] long EndUnixNano,
    [property: Id(7)] byte StatusCode,
    [property: Id(8)] bool IsError,
    [property: Id(9)] string? Peer);
