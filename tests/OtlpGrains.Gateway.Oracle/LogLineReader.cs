using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Oracle;

// The gateway's code before the protobuf wire reader (#11), on Google.Protobuf's message tree: kept unchanged as
// the oracle that the reader's plans are compared with.
/// <summary>
/// Turns one OTLP log record into the <see cref="LogLine"/> the grains take: the body as text (a string as sent,
/// any other <see cref="AnyValue"/> rendered as text), cut at <see cref="LogLimits"/>, and the ids as numbers. Ids are
/// checked by the caller. Reports whether anything was cut.
/// </summary>
internal static class LogLineReader
{
    // Nested arrays and maps in a body are rendered this deep; deeper ones as "...".
    private const int MaxDepth = 4;

    public static LogLine Read(LogRecord record, long timeUnixNano, out bool cut)
    {
        cut = false;
        string body = record.Body is null ? "" : Render(record.Body, LogLimits.MaxBodyChars, ref cut);
        string? severityText = record.SeverityText.Length == 0 ? null : Cut(record.SeverityText, LogLimits.MaxSeverityTextChars, ref cut);
        var severity = (int)record.SeverityNumber is >= 0 and <= 24 ? (byte)record.SeverityNumber : (byte)0;
        ReadOnlySpan<byte> trace = record.TraceId.Span;
        return new LogLine(timeUnixNano, severity)
        {
            Body = body,
            SeverityText = severityText,
            TraceIdHigh = trace.Length == 16 ? BinaryPrimitives.ReadUInt64BigEndian(trace) : 0,
            TraceIdLow = trace.Length == 16 ? BinaryPrimitives.ReadUInt64BigEndian(trace[8..]) : 0,
            SpanId = record.SpanId.Length == 8 ? BinaryPrimitives.ReadUInt64BigEndian(record.SpanId.Span) : 0,
            Attributes = Attributes(record.Attributes, ref cut),
        };
    }

    private static LogField[]? Attributes(RepeatedField<KeyValue> attributes, ref bool cut)
    {
        if (attributes.Count == 0)
        {
            return null;
        }

        int kept = Math.Min(attributes.Count, LogLimits.MaxAttributes);
        cut |= kept < attributes.Count;
        var result = new LogField[kept];
        for (int i = 0; i < kept; i++)
        {
            KeyValue attribute = attributes[i];
            result[i] = new LogField(
                Cut(attribute.Key, LogLimits.MaxAttributeChars, ref cut),
                attribute.Value is null ? "" : Render(attribute.Value, LogLimits.MaxAttributeChars, ref cut));
        }

        return result;
    }

    private static string Render(AnyValue value, int maxChars, ref bool cut)
    {
        if (value.ValueCase == AnyValue.ValueOneofCase.StringValue)
        {
            return Cut(value.StringValue, maxChars, ref cut);
        }

        var text = new StringBuilder();
        Append(text, value, 0, maxChars);
        if (text.Length > maxChars)
        {
            cut = true;
            text.Length = maxChars;
        }

        return text.ToString();
    }

    // Scalars as their invariant text, bytes as base64 (as OTLP/JSON writes them), arrays as [a, b] and maps as
    // {k: v}. Stops adding once past the limit; the caller cuts to it.
    private static void Append(StringBuilder text, AnyValue value, int depth, int maxChars)
    {
        if (text.Length > maxChars)
        {
            return;
        }

        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                text.Append(value.StringValue.AsSpan(0, Math.Min(value.StringValue.Length, maxChars + 1 - text.Length)));
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                text.Append(value.BoolValue ? "true" : "false");
                break;
            case AnyValue.ValueOneofCase.IntValue:
                text.Append(value.IntValue.ToString(CultureInfo.InvariantCulture));
                break;
            case AnyValue.ValueOneofCase.DoubleValue:
                text.Append(value.DoubleValue.ToString("R", CultureInfo.InvariantCulture));
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                text.Append(Convert.ToBase64String(value.BytesValue.Span[..Math.Min(value.BytesValue.Length, maxChars)]));
                break;
            case AnyValue.ValueOneofCase.ArrayValue when depth >= MaxDepth:
            case AnyValue.ValueOneofCase.KvlistValue when depth >= MaxDepth:
                text.Append("...");
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                text.Append('[');
                for (int i = 0; i < value.ArrayValue.Values.Count && text.Length <= maxChars; i++)
                {
                    text.Append(i == 0 ? "" : ", ");
                    Append(text, value.ArrayValue.Values[i], depth + 1, maxChars);
                }

                text.Append(']');
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                text.Append('{');
                for (int i = 0; i < value.KvlistValue.Values.Count && text.Length <= maxChars; i++)
                {
                    KeyValue entry = value.KvlistValue.Values[i];
                    text.Append(i == 0 ? "" : ", ").Append(entry.Key).Append(": ");
                    if (entry.Value is not null)
                    {
                        Append(text, entry.Value, depth + 1, maxChars);
                    }
                }

                text.Append('}');
                break;
            default:
                break;
        }
    }

    private static string Cut(string text, int maxChars, ref bool cut)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }

        cut = true;

        // Never split a surrogate pair: the kept text stays valid UTF-16.
        int keep = char.IsHighSurrogate(text[maxChars - 1]) ? maxChars - 1 : maxChars;
        return text[..keep];
    }
}
