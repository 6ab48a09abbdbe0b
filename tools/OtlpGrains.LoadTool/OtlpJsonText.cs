using System.Buffers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;

namespace OtlpGrains.LoadTool;

/// <summary>
/// OTLP JSON for the templates: Google.Protobuf's proto3 JSON with the OTLP changes (trace and span ids as hex, enums
/// as integers), and back for the dry run. Runs once per template, never per send.
/// </summary>
internal static class OtlpJsonText
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true));

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    private static readonly HashSet<string> IdFields = new(StringComparer.Ordinal) { "traceId", "spanId", "parentSpanId" };

    /// <summary>
    /// Formats <paramref name="message"/> as OTLP JSON; a 64-bit integer string for which <paramref name="replace"/>
    /// returns text is written as that text instead (how the time placeholders become fixed-width tokens).
    /// </summary>
    public static byte[] Format(IMessage message, Func<ulong, string?> replace) =>
        Rewrite(Encoding.UTF8.GetBytes(Formatter.Format(message)), (property, value) =>
            IdFields.Contains(property) ? Convert.ToHexStringLower(Convert.FromBase64String(value))
            : ulong.TryParse(value, out ulong number) ? replace(number) ?? value
            : value);

    /// <summary>Parses OTLP JSON (hex ids) into a message.</summary>
    public static T Parse<T>(ReadOnlySpan<byte> json)
        where T : IMessage<T>, new() =>
        Parser.Parse<T>(Encoding.UTF8.GetString(Rewrite(json, (property, value) =>
            IdFields.Contains(property) ? Convert.ToBase64String(Convert.FromHexString(value)) : value)));

    /// <summary>Copies JSON token by token, passing every string value through <paramref name="map"/> with its property name.</summary>
    private static byte[] Rewrite(ReadOnlySpan<byte> json, Func<string, string, string> map)
    {
        var output = new ArrayBufferWriter<byte>(json.Length + 256);
        using (var writer = new Utf8JsonWriter(output))
        {
            var reader = new Utf8JsonReader(json);
            string property = string.Empty;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
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
                    case JsonTokenType.PropertyName:
                        property = reader.GetString()!;
                        writer.WritePropertyName(property);
                        break;
                    case JsonTokenType.String:
                        writer.WriteStringValue(map(property, reader.GetString()!));
                        break;
                    case JsonTokenType.Number:
                        writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                        break;
                    case JsonTokenType.True or JsonTokenType.False:
                        writer.WriteBooleanValue(reader.GetBoolean());
                        break;
                    case JsonTokenType.Null:
                        writer.WriteNullValue();
                        break;
                }
            }
        }

        return output.WrittenSpan.ToArray();
    }
}
