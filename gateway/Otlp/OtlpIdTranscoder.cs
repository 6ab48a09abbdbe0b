using System.Buffers;
using System.Buffers.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OtlpGrains.Gateway.Otlp;

/// <summary>
/// Copies a JSON document written by Google.Protobuf's <c>JsonFormatter</c> token by token, re-encoding the values
/// of the OTLP id fields (<c>traceId</c>, <c>spanId</c>, <c>parentSpanId</c> and their proto names) from the base64 form of the proto3
/// JSON mapping to OTLP's hex form. In the OTLP messages these names occur only as the trace/span ids of spans,
/// span links, log records and exemplars, so matching the property name is matching those paths; everything else
/// (including <c>bytesValue</c> attributes, which stay base64) is copied unchanged, numbers byte for byte.
/// Parsing does not come this way: <see cref="OtlpJsonTranscoder"/> reads hex ids directly.
/// </summary>
internal static class OtlpIdTranscoder
{
    /// <summary>Deep enough for any sane nesting of AnyValue arrays and kvlists (about 3 JSON levels each).</summary>
    public const int MaxDepth = 256;

    private const int StackLimit = 256;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // The output is re-read by a parser or sent as application/json; HTML-safe escaping only costs bytes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
        MaxDepth = MaxDepth,
    };

    /// <summary>Rewrites base64 ids to lowercase hex (proto3 JSON in, OTLP JSON out).</summary>
    /// <exception cref="OtlpFormatException">The input is not well-formed JSON.</exception>
    public static void Base64ToHex(ReadOnlySpan<byte> utf8, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        try
        {
            bool idValueNext = false;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        idValueNext = IsIdProperty(ref reader);
                        CopyText(ref reader, writer, isPropertyName: true);
                        continue;
                    case JsonTokenType.String when idValueNext:
                        WriteHexId(ref reader, writer);
                        break;
                    case JsonTokenType.String:
                        CopyText(ref reader, writer, isPropertyName: false);
                        break;
                    case JsonTokenType.Number:
                        // Raw copy keeps 64-bit integers exact.
                        writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                        break;
                    case JsonTokenType.True:
                        writer.WriteBooleanValue(true);
                        break;
                    case JsonTokenType.False:
                        writer.WriteBooleanValue(false);
                        break;
                    case JsonTokenType.Null:
                        writer.WriteNullValue();
                        break;
                    case JsonTokenType.StartObject:
                        writer.WriteStartObject();
                        break;
                    case JsonTokenType.EndObject:
                        writer.WriteEndObject();
                        break;
                    case JsonTokenType.StartArray:
                        writer.WriteStartArray();
                        break;
                    case JsonTokenType.EndArray:
                        writer.WriteEndArray();
                        break;
                    default:
                        break;
                }

                idValueNext = false;
            }
        }
        catch (JsonException ex)
        {
            throw new OtlpFormatException(OtlpJsonRefusals.DescribeSyntaxError(utf8, ex), ex);
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader reports invalid UTF-8 inside a string this way when the value is unescaped.
            throw new OtlpFormatException($"invalid JSON at byte {reader.TokenStartIndex}: a string is not valid Unicode text", ex);
        }
        catch (ArgumentException ex)
        {
            // Utf8JsonWriter refuses to copy a string that is not valid UTF-8.
            throw new OtlpFormatException($"invalid JSON at byte {reader.TokenStartIndex}: a string is not valid Unicode text", ex);
        }

        if (reader.BytesConsumed == 0)
        {
            throw new OtlpFormatException("invalid JSON: the body is empty");
        }

        writer.Flush();
    }

    private static bool IsIdProperty(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("traceId"u8) || reader.ValueTextEquals("spanId"u8) ||
        reader.ValueTextEquals("parentSpanId"u8) || reader.ValueTextEquals("trace_id"u8) ||
        reader.ValueTextEquals("span_id"u8) || reader.ValueTextEquals("parent_span_id"u8);

    private static void CopyText(ref Utf8JsonReader reader, Utf8JsonWriter writer, bool isPropertyName)
    {
        if (!reader.ValueIsEscaped)
        {
            Write(writer, reader.ValueSpan, isPropertyName);
            return;
        }

        // Unescaped text is never longer than its escaped form.
        int capacity = reader.ValueSpan.Length;
        byte[]? rented = capacity > StackLimit ? ArrayPool<byte>.Shared.Rent(capacity) : null;
        try
        {
            Span<byte> buffer = rented ?? stackalloc byte[StackLimit];
            int length = reader.CopyString(buffer);
            Write(writer, buffer[..length], isPropertyName);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        static void Write(Utf8JsonWriter writer, ReadOnlySpan<byte> text, bool isPropertyName)
        {
            if (isPropertyName)
            {
                writer.WritePropertyName(text);
            }
            else
            {
                writer.WriteStringValue(text);
            }
        }
    }

    private static void WriteHexId(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        // Only JsonFormatter output comes this way: plain, unescaped base64.
        ReadOnlySpan<byte> base64 = reader.ValueSpan;
        int maxBytes = Base64.GetMaxDecodedFromUtf8Length(base64.Length);
        byte[]? rentedBytes = maxBytes > StackLimit ? ArrayPool<byte>.Shared.Rent(maxBytes) : null;
        char[]? rentedChars = maxBytes > StackLimit ? ArrayPool<char>.Shared.Rent(maxBytes * 2) : null;
        try
        {
            Span<byte> bytes = rentedBytes ?? stackalloc byte[StackLimit];
            Span<char> hex = rentedChars ?? stackalloc char[StackLimit * 2];
            if (Base64.DecodeFromUtf8(base64, bytes, out _, out int length) != OperationStatus.Done)
            {
                throw new OtlpFormatException("invalid base64 in an id field");
            }

            Convert.TryToHexStringLower(bytes[..length], hex, out int charCount);
            writer.WriteStringValue(hex[..charCount]);
        }
        finally
        {
            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
            }

            if (rentedChars is not null)
            {
                ArrayPool<char>.Shared.Return(rentedChars);
            }
        }
    }
}
