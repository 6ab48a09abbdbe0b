using System.Buffers.Binary;
using System.Text.Unicode;

namespace OtlpGrains.Gateway.Otlp;

/// <summary>The OTLP messages whose fields <see cref="OtlpSchema"/> knows.</summary>
internal enum OtlpMessage : byte
{
    TraceRequest,
    MetricsRequest,
    LogsRequest,
    ResourceSpans,
    ResourceMetrics,
    ResourceLogs,
    Resource,
    Scope,
    ScopeSpans,
    ScopeMetrics,
    ScopeLogs,
    Span,
    Event,
    Link,
    Status,
    KeyValue,
    AnyValue,
    ArrayValue,
    KeyValueList,
    Metric,
    Gauge,
    Sum,
    Histogram,
    ExponentialHistogram,
    Summary,
    NumberDataPoint,
    HistogramDataPoint,
    ExponentialHistogramDataPoint,
    Buckets,
    SummaryDataPoint,
    ValueAtQuantile,
    Exemplar,
    LogRecord,
}

/// <summary>
/// Which length-delimited fields of the OTLP messages are strings, embedded messages or packed numbers, so that the
/// parts of a request the readers do not use are still checked as Google.Protobuf checked them when it parsed the
/// whole request: strings must be valid UTF-8, embedded messages well formed and at most 100 deep, packed numbers
/// whole. A request the old parser refused is refused here too, wherever the fault lies.
/// </summary>
internal static class OtlpSchema
{
    /// <summary>Google.Protobuf's default recursion limit: messages nested deeper are refused.</summary>
    public const int MaxDepth = 100;

    private enum FieldType : byte
    {
        Other,
        String,
        Message,
        PackedFixed64,
        PackedVarint,
    }

    /// <summary>
    /// Skips the field whose tag was just read from a message of type <paramref name="owner"/> at nesting
    /// <paramref name="depth"/> (the request is 0), checking what it holds.
    /// </summary>
    public static void Skip(ref ProtoReader reader, uint tag, OtlpMessage owner, int depth)
    {
        if ((tag & 7) != ProtoReader.Len)
        {
            reader.Skip(tag);
            return;
        }

        var (type, child) = FieldOf(owner, (int)(tag >> 3));
        switch (type)
        {
            case FieldType.String:
                CheckUtf8(reader.ReadBytes());
                break;
            case FieldType.Message when child == OtlpMessage.AnyValue:
                CheckAnyValue(reader.ReadBytes(), depth + 1);
                break;
            case FieldType.Message:
                Check(reader.ReadBytes(), child, depth + 1);
                break;
            case FieldType.PackedFixed64:
                if (reader.ReadPacked().Length % 8 != 0)
                {
                    ProtoReader.Throw("truncated message: a packed field ends inside a number");
                }

                break;
            case FieldType.PackedVarint:
                var packed = new ProtoReader(reader.ReadPacked());
                while (packed.Remaining > 0)
                {
                    packed.ReadVarint();
                }

                break;
            default:
                reader.ReadBytes();
                break;
        }
    }

    /// <summary>Checks a whole encoded message of type <paramref name="message"/> at nesting <paramref name="depth"/>.</summary>
    public static void Check(ReadOnlySpan<byte> encoded, OtlpMessage message, int depth)
    {
        CheckDepth(depth);
        var reader = new ProtoReader(encoded);
        while (reader.Next(out uint tag))
        {
            Skip(ref reader, tag, message, depth);
        }
    }

    public static void CheckDepth(int depth)
    {
        if (depth > MaxDepth)
        {
            ProtoReader.Throw($"messages nested more than {MaxDepth} deep");
        }
    }

    /// <summary>Strings must be valid UTF-8, as Google.Protobuf requires when it decodes them.</summary>
    public static void CheckUtf8(ReadOnlySpan<byte> text)
    {
        // Names and keys are short and ASCII; eight bytes at a time is cheaper than the general check's set-up.
        if (text.Length <= 64)
        {
            ulong high = 0;
            int i = 0;
            for (; i + 8 <= text.Length; i += 8)
            {
                high |= BinaryPrimitives.ReadUInt64LittleEndian(text[i..]);
            }

            for (; i < text.Length; i++)
            {
                high |= text[i];
            }

            if ((high & 0x8080808080808080) == 0)
            {
                return;
            }
        }

        if (!Utf8.IsValid(text))
        {
            ProtoReader.Throw("a string field is not valid UTF-8");
        }
    }

    /// <summary>
    /// <see cref="Check"/> of an <c>AnyValue</c>: the message every attribute holds, so it gets a direct path for the
    /// scalar members.
    /// </summary>
    public static void CheckAnyValue(ReadOnlySpan<byte> encoded, int depth)
    {
        CheckDepth(depth);
        var reader = new ProtoReader(encoded);
        while (reader.Next(out uint tag))
        {
            switch (tag)
            {
                case (1 << 3) | ProtoReader.Len:
                    CheckUtf8(reader.ReadBytes());
                    break;
                case ((2 << 3) | ProtoReader.Varint) or ((3 << 3) | ProtoReader.Varint):
                    reader.ReadVarint();
                    break;
                case (4 << 3) | ProtoReader.Fixed64:
                    reader.ReadFixed64();
                    break;
                default:
                    Skip(ref reader, tag, OtlpMessage.AnyValue, depth);
                    break;
            }
        }
    }

    private static (FieldType Type, OtlpMessage Child) FieldOf(OtlpMessage owner, int field) => (owner, field) switch
    {
        (OtlpMessage.TraceRequest, 1) => Message(OtlpMessage.ResourceSpans),
        (OtlpMessage.MetricsRequest, 1) => Message(OtlpMessage.ResourceMetrics),
        (OtlpMessage.LogsRequest, 1) => Message(OtlpMessage.ResourceLogs),
        (OtlpMessage.ResourceSpans or OtlpMessage.ResourceMetrics or OtlpMessage.ResourceLogs, 1) => Message(OtlpMessage.Resource),
        (OtlpMessage.ResourceSpans, 2) => Message(OtlpMessage.ScopeSpans),
        (OtlpMessage.ResourceMetrics, 2) => Message(OtlpMessage.ScopeMetrics),
        (OtlpMessage.ResourceLogs, 2) => Message(OtlpMessage.ScopeLogs),
        (OtlpMessage.ResourceSpans or OtlpMessage.ResourceMetrics or OtlpMessage.ResourceLogs, 3) => String,
        (OtlpMessage.Resource, 1) => Message(OtlpMessage.KeyValue),
        (OtlpMessage.ScopeSpans or OtlpMessage.ScopeMetrics or OtlpMessage.ScopeLogs, 1) => Message(OtlpMessage.Scope),
        (OtlpMessage.ScopeSpans, 2) => Message(OtlpMessage.Span),
        (OtlpMessage.ScopeMetrics, 2) => Message(OtlpMessage.Metric),
        (OtlpMessage.ScopeLogs, 2) => Message(OtlpMessage.LogRecord),
        (OtlpMessage.ScopeSpans or OtlpMessage.ScopeMetrics or OtlpMessage.ScopeLogs, 3) => String,
        (OtlpMessage.Scope, 1 or 2) => String,
        (OtlpMessage.Scope, 3) => Message(OtlpMessage.KeyValue),
        (OtlpMessage.Span, 3 or 5) => String,
        (OtlpMessage.Span, 9) => Message(OtlpMessage.KeyValue),
        (OtlpMessage.Span, 11) => Message(OtlpMessage.Event),
        (OtlpMessage.Span, 13) => Message(OtlpMessage.Link),
        (OtlpMessage.Span, 15) => Message(OtlpMessage.Status),
        (OtlpMessage.Event, 2) => String,
        (OtlpMessage.Event, 3) => Message(OtlpMessage.KeyValue),
        (OtlpMessage.Link, 3) => String,
        (OtlpMessage.Link, 4) => Message(OtlpMessage.KeyValue),
        (OtlpMessage.Status, 2) => String,
        (OtlpMessage.KeyValue, 1) => String,
        (OtlpMessage.KeyValue, 2) => Message(OtlpMessage.AnyValue),
        (OtlpMessage.AnyValue, 1) => String,
        (OtlpMessage.AnyValue, 5) => Message(OtlpMessage.ArrayValue),
        (OtlpMessage.AnyValue, 6) => Message(OtlpMessage.KeyValueList),
        (OtlpMessage.ArrayValue, 1) => Message(OtlpMessage.AnyValue),
        (OtlpMessage.KeyValueList, 1) => Message(OtlpMessage.KeyValue),
        (OtlpMessage.Metric, 1 or 2 or 3) => String,
        (OtlpMessage.Metric, 5) => Message(OtlpMessage.Gauge),
        (OtlpMessage.Metric, 7) => Message(OtlpMessage.Sum),
        (OtlpMessage.Metric, 9) => Message(OtlpMessage.Histogram),
        (OtlpMessage.Metric, 10) => Message(OtlpMessage.ExponentialHistogram),
        (OtlpMessage.Metric, 11) => Message(OtlpMessage.Summary),
        (OtlpMessage.Metric, 12) => Message(OtlpMessage.KeyValue),
        (OtlpMessage.Gauge or OtlpMessage.Sum, 1) => Message(OtlpMessage.NumberDataPoint),
        (OtlpMessage.Histogram, 1) => Message(OtlpMessage.HistogramDataPoint),
        (OtlpMessage.ExponentialHistogram, 1) => Message(OtlpMessage.ExponentialHistogramDataPoint),
        (OtlpMessage.Summary, 1) => Message(OtlpMessage.SummaryDataPoint),
        (OtlpMessage.NumberDataPoint, 5) => Message(OtlpMessage.Exemplar),
        (OtlpMessage.NumberDataPoint, 7) => Message(OtlpMessage.KeyValue),
        (OtlpMessage.HistogramDataPoint, 6 or 7) => (FieldType.PackedFixed64, default),
        (OtlpMessage.HistogramDataPoint, 8) => Message(OtlpMessage.Exemplar),
        (OtlpMessage.HistogramDataPoint, 9) => Message(OtlpMessage.KeyValue),
        (OtlpMessage.ExponentialHistogramDataPoint, 1) => Message(OtlpMessage.KeyValue),
        (OtlpMessage.ExponentialHistogramDataPoint, 8 or 9) => Message(OtlpMessage.Buckets),
        (OtlpMessage.ExponentialHistogramDataPoint, 11) => Message(OtlpMessage.Exemplar),
        (OtlpMessage.Buckets, 2) => (FieldType.PackedVarint, default),
        (OtlpMessage.SummaryDataPoint, 6) => Message(OtlpMessage.ValueAtQuantile),
        (OtlpMessage.SummaryDataPoint, 7) => Message(OtlpMessage.KeyValue),
        (OtlpMessage.Exemplar, 7) => Message(OtlpMessage.KeyValue),
        (OtlpMessage.LogRecord, 3 or 12) => String,
        (OtlpMessage.LogRecord, 5) => Message(OtlpMessage.AnyValue),
        (OtlpMessage.LogRecord, 6) => Message(OtlpMessage.KeyValue),
        _ => (FieldType.Other, default),
    };

    private static (FieldType, OtlpMessage) String => (FieldType.String, default);

    private static (FieldType, OtlpMessage) Message(OtlpMessage child) => (FieldType.Message, child);
}
