namespace OtlpGrains.Interfaces;

/// <summary>
/// One call along a service-graph edge, found by the servicegraph rule: a CLIENT/PRODUCER span paired with the
/// SERVER/CONSUMER span whose parent it is, or an unpaired client span with a named peer (a virtual node).
/// </summary>
/// <param name="Server">The callee service, or the virtual peer's name.</param>
/// <param name="Virtual">True when the callee is not an instrumented service.</param>
/// <param name="EndUnixNano">End of the client span (event time of the call).</param>
/// <param name="DurationNanos">Duration of the client span.</param>
/// <param name="Error">Either side failed.</param>
[GenerateSerializer, Immutable, Alias("otlpgrains.EdgeCall")]
public readonly record struct EdgeCall(
    [property: Id(0)] string Server,
    [property: Id(1)] bool Virtual,
    [property: Id(2)] long EndUnixNano,
    [property: Id(3)] long DurationNanos,
    [property: Id(4)] bool Error);
