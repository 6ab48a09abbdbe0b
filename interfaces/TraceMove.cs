namespace OtlpGrains.Interfaces;

/// <summary>
/// A joined request: the server span's trace moves into the client span's trace, the server span under the client span.
/// Sent by a join shard to the shard of the server's trace.
/// </summary>
/// <param name="ServerTrace">The trace the server span started (it had no parent).</param>
/// <param name="ServerSpanId">The server span, which takes the client span as its parent.</param>
/// <param name="ClientTrace">The trace of the client span, which the server's spans join.</param>
/// <param name="ClientSpanId">The client span.</param>
[GenerateSerializer, Immutable, Alias("otlpgrains.TraceMove")]
public readonly record struct TraceMove(
    [property: Id(0)] TraceKey ServerTrace,
    [property: Id(1)] ulong ServerSpanId,
    [property: Id(2)] TraceKey ClientTrace,
    [property: Id(3)] ulong ClientSpanId);
