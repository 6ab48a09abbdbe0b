using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;

namespace OtlpGrains.Benchmarks;

/// <summary>
/// The gateway's OTLP/JSON decoding before issue #11, kept only as the benchmarks' baseline: the body is copied
/// token by token with its hex ids rewritten to base64, turned into a string, and parsed by Google.Protobuf's
/// <see cref="JsonParser"/>. Valid input only: it has none of the gateway's error handling.
/// </summary>
internal static class OtlpJsonBefore
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
        MaxDepth = 256,
    };

    public static T Parse<T>(ReadOnlySpan<byte> utf8)
        where T : IMessage<T>, new()
    {
        var protoJson = new ArrayBufferWriter<byte>(Math.Max(utf8.Length + (utf8.Length / 8), 256));
        HexToBase64(utf8, protoJson);
        return Parser.Parse<T>(Encoding.UTF8.GetString(protoJson.WrittenSpan));
    }

    private static void HexToBase64(ReadOnlySpan<byte> utf8, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 256 });
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        Span<byte> text = stackalloc byte[512];
        Span<byte> id = stackalloc byte[256];
        bool idValueNext = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    idValueNext = reader.ValueTextEquals("traceId"u8) || reader.ValueTextEquals("spanId"u8) ||
                        reader.ValueTextEquals("parentSpanId"u8) || reader.ValueTextEquals("trace_id"u8) ||
                        reader.ValueTextEquals("span_id"u8) || reader.ValueTextEquals("parent_span_id"u8);
                    writer.WritePropertyName(text[..reader.CopyString(text)]);
                    continue;
                case JsonTokenType.String when idValueNext:
                    int length = reader.CopyString(text);
                    Convert.FromHexString(text[..length], id, out _, out int written);
                    writer.WriteBase64StringValue(id[..written]);
                    break;
                case JsonTokenType.String:
                    writer.WriteStringValue(reader.ValueIsEscaped ? text[..reader.CopyString(text)] : reader.ValueSpan);
                    break;
                case JsonTokenType.Number:
                    writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                    break;
                case JsonTokenType.True or JsonTokenType.False:
                    writer.WriteBooleanValue(reader.TokenType == JsonTokenType.True);
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
            }

            idValueNext = false;
        }

        writer.Flush();
    }
}
