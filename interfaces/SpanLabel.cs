namespace OtlpGrains.Interfaces;

/// <summary>
/// The names a span carries: its service, its name and, for CLIENT/PRODUCER spans, the uninstrumented peer
/// (<c>peer.service</c>, <c>db.system</c>/<c>db.system.name</c> or <c>server.address</c>; null otherwise). A service
/// sends the same few combinations over and over, so the gateway shares one label among all spans that have it
/// (<see cref="TraceSpan"/> then holds one reference instead of three).
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.SpanLabel")]
public sealed record SpanLabel(
    [property: Id(0)] string Service,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Peer);
