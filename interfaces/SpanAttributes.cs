namespace OtlpGrains.Interfaces;

/// <summary>
/// The attributes of the spans of one <see cref="TraceSpanBatch"/>, kept in their OTLP encoding and decoded only for
/// the traces tail sampling keeps: one array for all of them rather than an object per span. Span <c>i</c>'s
/// attributes are <see cref="Encoded"/>[<see cref="Ends"/>[i - 1] .. <see cref="Ends"/>[i]] (from 0 for the first):
/// the span's <c>attributes</c> fields as they were on the wire (field 9 of <c>Span</c>, each a tag, a length and a
/// <c>KeyValue</c>), at most <see cref="MaxBytesPerSpan"/> of them per span.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.SpanAttributes")]
public sealed record SpanAttributes(
    [property: Id(0)] byte[] Encoded,
    [property: Id(1)] int[] Ends)
{
    /// <summary>
    /// Encoded attribute bytes kept per span, whole attributes in the order sent: what fits of them is kept, the rest
    /// dropped. The OpenTelemetry SDKs' default limit is 128 attributes; a span's usual handful takes a few hundred bytes.
    /// </summary>
    public const int MaxBytesPerSpan = 4096;

    /// <summary>The encoded attributes of the batch's span <paramref name="index"/>.</summary>
    public ReadOnlyMemory<byte> Of(int index) =>
        Encoded.AsMemory((index == 0 ? 0 : Ends[index - 1])..Ends[index]);
}

/// <summary>One attribute of a kept span: its key, its OTLP value type (<c>string</c>, <c>int</c>, <c>double</c>,
/// <c>bool</c>, <c>bytes</c>, <c>array</c>, <c>kvlist</c>) and its value as text (bytes in base64, arrays and
/// lists as JSON).</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.AttributeView")]
public sealed record AttributeView(
    [property: Id(0)] string Key,
    [property: Id(1)] string Type,
    [property: Id(2)] string Value);
