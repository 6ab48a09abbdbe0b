namespace OtlpGrains.Gateway.Otlp;

/// <summary>
/// The scalar fields of an encoded OTLP <c>LogRecord</c>, read in place (a later occurrence of a field wins, as a
/// parser keeps it); the body and attributes stay encoded in <see cref="Encoded"/> until they are rendered. Reading
/// the view checks the whole record (<see cref="OtlpSchema"/>), the parts that are never rendered included.
/// </summary>
internal readonly ref struct LogRecordView
{
    public const uint BodyField = (5 << 3) | ProtoReader.Len;
    public const uint AttributesField = (6 << 3) | ProtoReader.Len;

    private const uint TimeField = (1 << 3) | ProtoReader.Fixed64;
    private const uint SeverityNumberField = (2 << 3) | ProtoReader.Varint;
    private const uint SeverityTextField = (3 << 3) | ProtoReader.Len;
    private const uint TraceIdField = (9 << 3) | ProtoReader.Len;
    private const uint SpanIdField = (10 << 3) | ProtoReader.Len;
    private const uint ObservedTimeField = (11 << 3) | ProtoReader.Fixed64;

    /// <param name="encoded">The encoded record.</param>
    /// <param name="depth">Its nesting in the request.</param>
    public LogRecordView(ReadOnlySpan<byte> encoded, int depth)
    {
        OtlpSchema.CheckDepth(depth);
        Encoded = encoded;
        Depth = depth;
        var reader = new ProtoReader(encoded);
        while (reader.Next(out uint tag))
        {
            switch (tag)
            {
                case TimeField:
                    TimeUnixNano = reader.ReadFixed64();
                    break;
                case ObservedTimeField:
                    ObservedTimeUnixNano = reader.ReadFixed64();
                    break;
                case SeverityNumberField:
                    SeverityNumber = reader.ReadInt32();
                    break;
                case SeverityTextField:
                    SeverityText = reader.ReadBytes();
                    OtlpSchema.CheckUtf8(SeverityText);
                    break;
                case TraceIdField:
                    TraceId = reader.ReadBytes();
                    break;
                case SpanIdField:
                    SpanId = reader.ReadBytes();
                    break;
                case AttributesField:
                    _ = new KeyValueView(reader.ReadBytes(), depth + 1);
                    AttributeCount++;
                    break;
                default:
                    // The body, among others, is checked here whole, though it is rendered only up to the limits.
                    OtlpSchema.Skip(ref reader, tag, OtlpMessage.LogRecord, depth);
                    break;
            }
        }
    }

    public ReadOnlySpan<byte> Encoded { get; }

    /// <summary>The record's nesting in the request.</summary>
    public int Depth { get; }

    public ulong TimeUnixNano { get; }

    public ulong ObservedTimeUnixNano { get; }

    /// <summary>As sent: an enum number, possibly out of range.</summary>
    public int SeverityNumber { get; }

    public ReadOnlySpan<byte> SeverityText { get; }

    public ReadOnlySpan<byte> TraceId { get; }

    public ReadOnlySpan<byte> SpanId { get; }

    public int AttributeCount { get; }
}
