using System.Runtime.CompilerServices;
using System.Text.Json;
using static OtlpGrains.Gateway.Otlp.OtlpJsonRefusals;

namespace OtlpGrains.Gateway.Otlp;

/// <summary>
/// Turns OTLP/JSON into the protobuf wire bytes of the same message in one pass over the UTF-8 text, guided by a
/// <see cref="JsonMessageLayout"/>: no string of the body, no object tree, no per-field allocation. The output is
/// what a protobuf serializer would write for the parsed message (fields in JSON order, defaults left out, packed
/// repeated numbers), so it takes the same decoding path as an OTLP/HTTP protobuf body.
/// </summary>
/// <remarks>
/// What the proto3 JSON mapping asks and this accepts: lowerCamelCase or proto names; enums as numbers or names
/// (an unknown name is ignored like an unknown field); 64-bit integers as numbers or strings; doubles as numbers
/// or the strings "NaN", "Infinity", "-Infinity"; bytes in standard or URL-safe base64; <c>null</c> for "not
/// set". OTLP's own rule: <c>traceId</c>, <c>spanId</c> and <c>parentSpanId</c> are hex (see
/// <see cref="JsonStringValues.DecodeHexId"/>). A repeated key is written twice, so the last value wins for
/// scalars and nested messages merge, as protobuf does for repeated wire fields; a <c>null</c> does not clear an
/// earlier value.
/// </remarks>
internal static class OtlpJsonTranscoder
{
    /// <summary>Deep enough for any sane nesting of AnyValue arrays and kvlists (about 3 JSON levels each).</summary>
    public const int MaxJsonDepth = 256;

    /// <summary>
    /// Messages nested deeper than this, the request included, are refused; it is Google.Protobuf's default
    /// recursion limit, so whatever this writes a protobuf parser reads.
    /// </summary>
    public const int MaxMessageDepth = 100;

    private const int StackLimit = 256;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxJsonDepth };

    /// <summary>Appends the protobuf encoding of the OTLP/JSON message in <paramref name="utf8"/> to <paramref name="output"/>.</summary>
    /// <exception cref="OtlpFormatException">
    /// The body is not JSON ("invalid JSON at byte N: ..."), or not JSON of this message ("invalid OTLP JSON at
    /// byte N: ...").
    /// </exception>
    public static void Transcode(ReadOnlySpan<byte> utf8, JsonMessageLayout layout, ProtobufWriter output)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(output);
        if (utf8.IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            throw new OtlpFormatException("invalid JSON: the body is empty");
        }

        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Refusal(ref reader, $"{layout.FullName} must be a JSON object, not {Describe(reader.TokenType)}");
            }

            ReadMessage(ref reader, layout, output, depth: 1);

            // Anything but white space after the object is a syntax error, which Read reports.
            reader.Read();
        }
        catch (JsonException ex)
        {
            throw new OtlpFormatException(DescribeSyntaxError(utf8, ex), ex);
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader.CopyString refuses escaped strings that are not valid Unicode (a lone surrogate, bad
            // UTF-8 between the escapes) this way.
            throw new OtlpFormatException($"invalid JSON at byte {reader.TokenStartIndex}: a string is not valid Unicode text", ex);
        }
    }

    /// <summary>Reads the properties of the object whose start is the current token, up to and including its end.</summary>
    private static void ReadMessage(ref Utf8JsonReader reader, JsonMessageLayout layout, ProtobufWriter output, int depth)
    {
        ulong oneofsSet = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            JsonFieldLayout? field = FindField(ref reader, layout);
            reader.Read();
            if (field is null)
            {
                // Unknown fields are ignored, whatever their value (Skip is a no-op on a scalar).
                reader.Skip();
                continue;
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (field.OneofIndex >= 0)
            {
                ulong bit = 1UL << field.OneofIndex;
                if ((oneofsSet & bit) != 0)
                {
                    throw Refusal(ref reader, $"{layout.FullName} has more than one value for its oneof '{layout.OneofNames[field.OneofIndex]}'");
                }

                oneofsSet |= bit;
            }

            if (field.IsRepeated)
            {
                ReadRepeated(ref reader, field, output, depth);
            }
            else
            {
                WriteValue(ref reader, field, output, depth, field.HasPresence);
            }
        }
    }

    private static JsonFieldLayout? FindField(ref Utf8JsonReader reader, JsonMessageLayout layout)
    {
        if (!reader.ValueIsEscaped)
        {
            return layout.Fields.TryFind(reader.ValueSpan, out JsonFieldLayout field) ? field : null;
        }

        return FindEscapedField(ref reader, layout);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static JsonFieldLayout? FindEscapedField(ref Utf8JsonReader reader, JsonMessageLayout layout)
    {
        // An escape is at most 6 bytes for one character, so a longer name than this cannot be a field's.
        if (reader.ValueSpan.Length > StackLimit * 6)
        {
            return null;
        }

        Span<byte> name = stackalloc byte[reader.ValueSpan.Length];
        int length = reader.CopyString(name);
        return layout.Fields.TryFind(name[..length], out JsonFieldLayout field) ? field : null;
    }

    private static void ReadRepeated(ref Utf8JsonReader reader, JsonFieldLayout field, ProtobufWriter output, int depth)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Expected(ref reader, field, "an array");
        }

        if (!field.IsPacked)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                RefuseNullElement(ref reader, field);
                WriteValue(ref reader, field, output, depth, always: true);
            }

            return;
        }

        int tagAt = output.Length;
        int lengthAt = output.BeginLengthDelimited(field.Tag);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            RefuseNullElement(ref reader, field);
            if (JsonScalarReader.TryRead(ref reader, field, out ulong raw))
            {
                WriteScalar(output, field.Kind, raw);
            }
        }

        if (output.Length == lengthAt + 1)
        {
            // A serializer writes nothing for an empty packed field.
            output.Truncate(tagAt);
        }
        else
        {
            output.EndLengthDelimited(lengthAt);
        }
    }

    /// <summary>Writes one value (a singular field's, or an element of a repeated field) with its tag.</summary>
    /// <param name="always">Write it even when it is the default value (presence matters).</param>
    private static void WriteValue(ref Utf8JsonReader reader, JsonFieldLayout field, ProtobufWriter output, int depth, bool always)
    {
        switch (field.Kind)
        {
            case JsonFieldKind.Message:
                WriteMessage(ref reader, field, output, depth);
                return;
            case JsonFieldKind.String:
                JsonStringValues.WriteString(ref reader, field, output, always);
                return;
            case JsonFieldKind.HexId:
                JsonStringValues.WriteHexId(ref reader, field, output, always);
                return;
            case JsonFieldKind.Bytes:
                JsonStringValues.WriteBase64(ref reader, field, output, always);
                return;
            case JsonFieldKind.Unsupported:
                throw Refusal(ref reader, $"field '{field.FullName}' is a map or a well-known type, which OTLP does not use and this decoder does not read");
            default:
                if (JsonScalarReader.TryRead(ref reader, field, out ulong raw) && (raw != 0 || always))
                {
                    output.WriteTag(field.Tag);
                    WriteScalar(output, field.Kind, raw);
                }

                return;
        }
    }

    private static void WriteMessage(ref Utf8JsonReader reader, JsonFieldLayout field, ProtobufWriter output, int depth)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Expected(ref reader, field, "an object");
        }

        if (depth >= MaxMessageDepth)
        {
            throw Refusal(ref reader, $"messages are nested more than {MaxMessageDepth} deep");
        }

        int lengthAt = output.BeginLengthDelimited(field.Tag);
        ReadMessage(ref reader, field.Message!, output, depth + 1);
        output.EndLengthDelimited(lengthAt);
    }

    private static void RefuseNullElement(ref Utf8JsonReader reader, JsonFieldLayout field)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            throw Refusal(ref reader, $"an element of '{field.FullName}' is null");
        }
    }

    private static void WriteScalar(ProtobufWriter output, JsonFieldKind kind, ulong raw)
    {
        switch (kind)
        {
            case JsonFieldKind.Double or JsonFieldKind.Fixed64 or JsonFieldKind.SFixed64:
                output.WriteFixed64(raw);
                break;
            case JsonFieldKind.Float or JsonFieldKind.Fixed32 or JsonFieldKind.SFixed32:
                output.WriteFixed32((uint)raw);
                break;
            default:
                output.WriteVarint(raw);
                break;
        }
    }
}
