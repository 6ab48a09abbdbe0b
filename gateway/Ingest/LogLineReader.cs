using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using OtlpGrains.Gateway.Otlp;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// Turns one encoded OTLP log record into the <see cref="LogLine"/> the grains take: the body as text (a string as
/// sent, any other <c>AnyValue</c> rendered as text), cut at <see cref="LogLimits"/>, and the ids as numbers. Ids
/// are checked by the caller. Reports whether anything was cut. Text is decoded only as far as the limits keep it.
/// </summary>
internal static class LogLineReader
{
    // Nested arrays and maps in a body are rendered this deep; deeper ones as "...".
    private const int MaxDepth = 4;

    private const uint ArrayValuesField = (1 << 3) | ProtoReader.Len;

    [ThreadStatic]
    private static StringBuilder? _text;

    public static LogLine Read(in LogRecordView record, long timeUnixNano, Utf8StringPool pool, out bool cut)
    {
        cut = false;
        var values = Utf8StringPool.Values;
        var body = default(AnyValueView);
        bool hasBody = false;
        LogField[]? attributes = record.AttributeCount == 0 ? null : new LogField[Math.Min(record.AttributeCount, LogLimits.MaxAttributes)];
        cut |= record.AttributeCount > LogLimits.MaxAttributes;
        int kept = 0;
        var reader = new ProtoReader(record.Encoded);
        while (reader.Next(out uint tag))
        {
            if (tag == LogRecordView.BodyField)
            {
                // Every body field merges into one value, as a parser merges them.
                body.Merge(reader.ReadBytes());
                hasBody = true;
            }
            else if (tag == LogRecordView.AttributesField && attributes is not null && kept < attributes.Length)
            {
                // Checked with the record (LogRecordView).
                var attribute = new KeyValueView(reader.ReadBytes(), depth: -1);
                attributes[kept++] = new LogField(
                    Cut(attribute.Key, LogLimits.MaxAttributeChars, pool, ref cut),
                    attribute.HasValue ? Render(attribute.Value(), LogLimits.MaxAttributeChars, values, ref cut) : "");
            }
            else
            {
                reader.Skip(tag);
            }
        }

        string text = hasBody ? Render(body, LogLimits.MaxBodyChars, values: null, ref cut) : "";
        string? severityText = record.SeverityText.IsEmpty ? null : Cut(record.SeverityText, LogLimits.MaxSeverityTextChars, pool, ref cut);
        var severity = record.SeverityNumber is >= 0 and <= 24 ? (byte)record.SeverityNumber : (byte)0;
        var trace = record.TraceId;
        return new LogLine(timeUnixNano, severity)
        {
            Body = text,
            SeverityText = severityText,
            TraceIdHigh = trace.Length == 16 ? BinaryPrimitives.ReadUInt64BigEndian(trace) : 0,
            TraceIdLow = trace.Length == 16 ? BinaryPrimitives.ReadUInt64BigEndian(trace[8..]) : 0,
            SpanId = record.SpanId.Length == 8 ? BinaryPrimitives.ReadUInt64BigEndian(record.SpanId) : 0,
            Attributes = attributes,
        };
    }

    private static string Render(AnyValueView value, int maxChars, Utf8StringPool? values, ref bool cut)
    {
        if (value.Kind == AnyValueKind.String)
        {
            return Cut(value.Payload, maxChars, values, ref cut);
        }

        var text = _text ??= new StringBuilder();
        text.Clear();
        Append(text, value, 0, maxChars);
        if (text.Length > maxChars)
        {
            cut = true;
            text.Length = maxChars;
        }

        var rendered = text.ToString();
        if (text.Capacity > 4 * LogLimits.MaxBodyChars)
        {
            _text = null;
        }

        return rendered;
    }

    // Scalars as their invariant text, bytes as base64 (as OTLP/JSON writes them), arrays as [a, b] and maps as
    // {k: v}. Stops adding once past the limit; the caller cuts to it.
    private static void Append(StringBuilder text, AnyValueView value, int depth, int maxChars)
    {
        if (text.Length > maxChars)
        {
            return;
        }

        Span<char> number = stackalloc char[32];
        int written;
        switch (value.Kind)
        {
            case AnyValueKind.String:
                AppendUtf8(text, value.Payload, maxChars + 1 - text.Length);
                break;
            case AnyValueKind.Bool:
                text.Append(value.Bool ? "true" : "false");
                break;
            case AnyValueKind.Int:
                value.Int.TryFormat(number, out written, default, CultureInfo.InvariantCulture);
                text.Append(number[..written]);
                break;
            case AnyValueKind.Double:
                value.Double.TryFormat(number, out written, "R", CultureInfo.InvariantCulture);
                text.Append(number[..written]);
                break;
            case AnyValueKind.Bytes:
                text.Append(Convert.ToBase64String(value.Payload[..Math.Min(value.Payload.Length, maxChars)]));
                break;
            case AnyValueKind.Array or AnyValueKind.Kvlist when depth >= MaxDepth:
                text.Append("...");
                break;
            case AnyValueKind.Array:
                text.Append('[');
                AppendElements(text, value.Payload, isMap: false, depth, maxChars);
                text.Append(']');
                break;
            case AnyValueKind.Kvlist:
                text.Append('{');
                AppendElements(text, value.Payload, isMap: true, depth, maxChars);
                text.Append('}');
                break;
            default:
                break;
        }
    }

    // The elements of an ArrayValue or the entries of a KeyValueList (both are field 1), until past the limit.
    private static void AppendElements(StringBuilder text, ReadOnlySpan<byte> encoded, bool isMap, int depth, int maxChars)
    {
        var reader = new ProtoReader(encoded);
        int i = 0;
        while (text.Length <= maxChars && reader.Next(out uint tag))
        {
            if (tag != ArrayValuesField)
            {
                reader.Skip(tag);
                continue;
            }

            text.Append(i++ == 0 ? "" : ", ");
            if (!isMap)
            {
                Append(text, AnyValueView.Of(reader.ReadBytes()), depth + 1, maxChars);
                continue;
            }

            var entry = new KeyValueView(reader.ReadBytes(), depth: -1);

            // Past the limit the rest is cut anyway, so a long key is decoded only up to it.
            AppendUtf8(text, entry.Key, Math.Max(1, maxChars + 1 - text.Length));
            text.Append(": ");
            if (entry.HasValue)
            {
                Append(text, entry.Value(), depth + 1, maxChars);
            }
        }
    }

    /// <summary>Appends at most <paramref name="maxChars"/> UTF-16 chars of the UTF-8 text.</summary>
    private static void AppendUtf8(StringBuilder text, ReadOnlySpan<byte> utf8, int maxChars)
    {
        char[] buffer = ArrayPool<char>.Shared.Rent(Math.Min(utf8.Length, PrefixBytes(maxChars)) + 1);
        try
        {
            int decoded = DecodePrefix(utf8, maxChars, buffer);
            text.Append(buffer, 0, Math.Min(decoded, maxChars));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The text cut to <paramref name="maxChars"/> UTF-16 chars (never between a surrogate pair), from the pool when
    /// one is given and nothing was cut.
    /// </summary>
    private static string Cut(ReadOnlySpan<byte> utf8, int maxChars, Utf8StringPool? pool, ref bool cut)
    {
        // A UTF-8 byte never decodes to more than one UTF-16 char, so a short enough text needs no look.
        if (utf8.Length <= maxChars)
        {
            return pool?.Get(utf8) ?? Encoding.UTF8.GetString(utf8);
        }

        char[] buffer = ArrayPool<char>.Shared.Rent(Math.Min(utf8.Length, PrefixBytes(maxChars)) + 1);
        try
        {
            int decoded = DecodePrefix(utf8, maxChars, buffer);
            if (decoded <= maxChars)
            {
                return new string(buffer, 0, decoded);
            }

            cut = true;
            int keep = char.IsHighSurrogate(buffer[maxChars - 1]) ? maxChars - 1 : maxChars;
            return new string(buffer, 0, keep);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    // Each char of the decoded text comes from at most four bytes, and only the last, possibly split, sequence of a
    // prefix decodes differently from the whole: this many bytes always decode to more than maxChars exact chars.
    private static int PrefixBytes(int maxChars) => 4 * (maxChars + 2);

    /// <summary>
    /// Decodes the whole text, or a prefix of it long enough that the first <paramref name="maxChars"/> + 1 chars
    /// are those of the whole (invalid bytes become U+FFFD, as Google.Protobuf decodes them).
    /// </summary>
    private static int DecodePrefix(ReadOnlySpan<byte> utf8, int maxChars, char[] buffer)
    {
        var prefix = utf8.Length <= PrefixBytes(maxChars) ? utf8 : utf8[..PrefixBytes(maxChars)];
        return Encoding.UTF8.GetChars(prefix, buffer);
    }
}
