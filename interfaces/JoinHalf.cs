namespace OtlpGrains.Interfaces;

/// <summary>
/// What the join needs of one end of a request (a CLIENT or SERVER span) that names its connection: the key, the
/// times, where the span lives, and the HTTP/2 stream. Compact (no names), since every eligible span sends one to a
/// join shard besides its ordinary ingest.
/// </summary>
/// <param name="Key">The connection as the server sees it.</param>
/// <param name="IsServer">True for the server half.</param>
/// <param name="StartUnixNano">The span's start, on its node's clock.</param>
/// <param name="EndUnixNano">The span's end, on its node's clock.</param>
/// <param name="Trace">The span's trace.</param>
/// <param name="SpanId">The span's id.</param>
/// <param name="StreamId">The HTTP/2 stream (<c>otlpgrains.http2.stream_id</c>), or -1 when the span names none.</param>
/// <param name="HasParent">
/// A server span that has a parent already (the same node's agent linked it, or context was propagated): it only
/// consumes its client half in the same trace, so that the client half does not wait and expire as unmatched.
/// </param>
[GenerateSerializer, Immutable, Alias("otlpgrains.JoinHalf")]
public readonly record struct JoinHalf(
    [property: Id(0)] ConnectionKey Key,
    [property: Id(1)] bool IsServer,
    [property: Id(2)] long StartUnixNano,
    [property: Id(3)] long EndUnixNano,
    [property: Id(4)] TraceKey Trace,
    [property: Id(5)] ulong SpanId,
    [property: Id(6)] long StreamId,
    [property: Id(7)] bool HasParent = false);
