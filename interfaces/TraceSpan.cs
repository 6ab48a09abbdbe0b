namespace OtlpGrains.Interfaces;

/// <summary>
/// One span as a trace grain sees it. Ids are the OTLP bytes read as big-endian integers; a root span has
/// <see cref="ParentSpanId"/> 0. The names are in a shared <see cref="SpanLabel"/>, which keeps the struct at 48 bytes
/// (it was 64 with three string references), held inline in its batch's array.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.TraceSpan")]
public readonly record struct TraceSpan(
    [property: Id(0)] ulong SpanId,
    [property: Id(1)] ulong ParentSpanId,
    [property: Id(2)] SpanLabel Label,
    [property: Id(3)] SpanKindCode Kind,
    [property: Id(4)] long StartUnixNano,
    [property: Id(5)] long EndUnixNano,
    [property: Id(6)] byte StatusCode,
    [property: Id(7)] bool IsError)
{
    /// <summary>A span with a label of its own (the gateway shares labels; elsewhere one per span is fine).</summary>
    public TraceSpan(ulong spanId, ulong parentSpanId, string service, string name, SpanKindCode kind, long startUnixNano, long endUnixNano, byte statusCode, bool isError, string? peer)
        : this(spanId, parentSpanId, new SpanLabel(service, name, peer), kind, startUnixNano, endUnixNano, statusCode, isError)
    {
    }

    public string Service => Label.Service;

    public string Name => Label.Name;

    /// <inheritdoc cref="SpanLabel.Peer"/>
    public string? Peer => Label.Peer;
}
