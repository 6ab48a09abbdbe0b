using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

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
/// <see cref="DecodeHexId"/>). A repeated key is written twice, so the last value wins for scalars and nested
/// messages merge, as protobuf does for repeated wire fields; a <c>null</c> does not clear an earlier value.
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

    /// <summary>What an invalid hex id becomes: one byte, a length no id has, so validation drops just its item.</summary>
    private const byte InvalidIdByte = 0;

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

    /// <summary>
    /// Decodes an OTLP hex id. Empty stays empty; valid hex decodes to its bytes whatever their count; anything
    /// else (odd length, a non-hex character) becomes a single zero byte so that the request as a whole still
    /// parses and the span validator rejects only the item that carries it as an id of the wrong length.
    /// <paramref name="destination"/> needs room for half the text, and at least one byte.
    /// </summary>
    public static int DecodeHexId(ReadOnlySpan<byte> hex, Span<byte> destination)
    {
        if (hex.IsEmpty)
        {
            return 0;
        }

        if ((hex.Length & 1) != 0 || Convert.FromHexString(hex, destination, out _, out int written) != OperationStatus.Done)
        {
            destination[0] = InvalidIdByte;
            return 1;
        }

        return written;
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
            if (TryReadScalar(ref reader, field, out ulong raw))
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
                WriteString(ref reader, field, output, always);
                return;
            case JsonFieldKind.HexId:
                WriteHexId(ref reader, field, output, always);
                return;
            case JsonFieldKind.Bytes:
                WriteBase64(ref reader, field, output, always);
                return;
            case JsonFieldKind.Unsupported:
                throw Refusal(ref reader, $"field '{field.FullName}' is a map or a well-known type, which OTLP does not use and this decoder does not read");
            default:
                if (TryReadScalar(ref reader, field, out ulong raw) && (raw != 0 || always))
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

    private static void WriteString(ref Utf8JsonReader reader, JsonFieldLayout field, ProtobufWriter output, bool always)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Expected(ref reader, field, "a string");
        }

        ReadOnlySpan<byte> text = reader.ValueSpan;
        if (reader.ValueIsEscaped)
        {
            WriteEscapedString(ref reader, field, output);
            return;
        }

        if (text.IsEmpty && !always)
        {
            return;
        }

        if (!Utf8.IsValid(text))
        {
            text = ReplaceInvalidUtf8(text);
        }

        output.WriteLengthDelimited(field.Tag, text);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WriteEscapedString(ref Utf8JsonReader reader, JsonFieldLayout field, ProtobufWriter output)
    {
        // An escaped string is never empty. Unescaping only shortens it, so it is copied straight to the output;
        // CopyString refuses text that is not valid UTF-8 (InvalidOperationException, see Transcode).
        int lengthAt = output.BeginLengthDelimited(field.Tag);
        int length = reader.CopyString(output.GetSpan(reader.ValueSpan.Length));
        output.Advance(length);
        output.EndLengthDelimited(lengthAt);
    }

    /// <summary>
    /// Invalid UTF-8 inside an unescaped string becomes U+FFFD, as a protobuf parser does with a string field's
    /// bytes: the text that reaches the cluster is always valid.
    /// </summary>
    private static byte[] ReplaceInvalidUtf8(ReadOnlySpan<byte> text) => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(text));

    private static void WriteHexId(ref Utf8JsonReader reader, JsonFieldLayout field, ProtobufWriter output, bool always)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Expected(ref reader, field, "a hex string");
        }

        if (reader.ValueIsEscaped)
        {
            WriteEscapedHexId(ref reader, field, output);
            return;
        }

        ReadOnlySpan<byte> hex = reader.ValueSpan;
        if (hex.IsEmpty && !always)
        {
            return;
        }

        int lengthAt = output.BeginLengthDelimited(field.Tag);
        int length = DecodeHexId(hex, output.GetSpan(Math.Max(hex.Length / 2, 1)));
        output.Advance(length);
        output.EndLengthDelimited(lengthAt);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WriteEscapedHexId(ref Utf8JsonReader reader, JsonFieldLayout field, ProtobufWriter output)
    {
        int capacity = reader.ValueSpan.Length;
        byte[]? rented = capacity > StackLimit ? ArrayPool<byte>.Shared.Rent(capacity) : null;
        try
        {
            Span<byte> text = rented ?? stackalloc byte[StackLimit];
            int textLength = reader.CopyString(text);
            int lengthAt = output.BeginLengthDelimited(field.Tag);
            output.Advance(DecodeHexId(text[..textLength], output.GetSpan(Math.Max(textLength / 2, 1))));
            output.EndLengthDelimited(lengthAt);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static void WriteBase64(ref Utf8JsonReader reader, JsonFieldLayout field, ProtobufWriter output, bool always)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Expected(ref reader, field, "a base64 string");
        }

        // The text is copied to where its bytes go and decoded in place: base64 only shrinks.
        int tagAt = output.Length;
        int lengthAt = output.BeginLengthDelimited(field.Tag);
        Span<byte> text = output.GetSpan(reader.ValueSpan.Length + 2);
        int textLength = reader.ValueIsEscaped ? reader.CopyString(text) : Copy(reader.ValueSpan, text);
        int length = DecodeBase64InPlace(text, textLength);
        if (length < 0)
        {
            throw Expected(ref reader, field, "base64");
        }

        output.Advance(length);
        output.EndLengthDelimited(lengthAt);
        if (length == 0 && !always)
        {
            output.Truncate(tagAt);
        }

        static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
        {
            source.CopyTo(destination);
            return source.Length;
        }
    }

    /// <summary>Standard or URL-safe base64, with or without padding; -1 when it is not base64.</summary>
    /// <param name="text">The text, with room for two more bytes of padding after <paramref name="length"/>.</param>
    private static int DecodeBase64InPlace(Span<byte> text, int length)
    {
        text[..length].Replace((byte)'-', (byte)'+');
        text[..length].Replace((byte)'_', (byte)'/');
        switch (length & 3)
        {
            case 1:
                return -1;
            case 2:
                text[length++] = (byte)'=';
                text[length++] = (byte)'=';
                break;
            case 3:
                text[length++] = (byte)'=';
                break;
        }

        return Base64.DecodeFromUtf8InPlace(text[..length], out int written) == OperationStatus.Done ? written : -1;
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

    /// <summary>
    /// Reads a number, bool or enum as the value <see cref="WriteScalar"/> writes: a varint's value (negative
    /// int32 sign-extended, sint zigzagged) or the bits of a fixed-size value. False for an enum name this
    /// message type does not know, which is ignored like an unknown field.
    /// </summary>
    private static bool TryReadScalar(ref Utf8JsonReader reader, JsonFieldLayout field, out ulong raw)
    {
        switch (field.Kind)
        {
            case JsonFieldKind.Bool:
                raw = reader.TokenType switch
                {
                    JsonTokenType.True => 1,
                    JsonTokenType.False => 0,
                    _ => throw Expected(ref reader, field, "true or false"),
                };
                return true;
            case JsonFieldKind.Enum when reader.TokenType == JsonTokenType.String:
                if (field.EnumValues!.TryFind(Text(ref reader), out int number))
                {
                    raw = (ulong)(long)number;
                    return true;
                }

                raw = 0;
                return false;
            case JsonFieldKind.Enum:
            case JsonFieldKind.Int32:
            case JsonFieldKind.SFixed32:
                raw = (ulong)(long)ReadInt32(ref reader, field);
                return true;
            case JsonFieldKind.SInt32:
                int sint32 = ReadInt32(ref reader, field);
                raw = (uint)((sint32 << 1) ^ (sint32 >> 31));
                return true;
            case JsonFieldKind.UInt32:
            case JsonFieldKind.Fixed32:
                ulong uint32 = ReadUInt64(ref reader, field);
                raw = uint32 <= uint.MaxValue ? uint32 : throw OutOfRange(ref reader, field);
                return true;
            case JsonFieldKind.Int64:
            case JsonFieldKind.SFixed64:
                raw = (ulong)ReadInt64(ref reader, field);
                return true;
            case JsonFieldKind.SInt64:
                long sint64 = ReadInt64(ref reader, field);
                raw = (ulong)((sint64 << 1) ^ (sint64 >> 63));
                return true;
            case JsonFieldKind.UInt64:
            case JsonFieldKind.Fixed64:
                raw = ReadUInt64(ref reader, field);
                return true;
            case JsonFieldKind.Double:
                raw = BitConverter.DoubleToUInt64Bits(ReadDouble(ref reader, field));
                return true;
            case JsonFieldKind.Float:
                double value = ReadDouble(ref reader, field);
                float single = (float)value;
                if (float.IsInfinity(single) && double.IsFinite(value))
                {
                    throw OutOfRange(ref reader, field);
                }

                raw = BitConverter.SingleToUInt32Bits(single);
                return true;
            default:
                throw new InvalidOperationException($"{field.Kind} is not a scalar kind");
        }
    }

    private static int ReadInt32(ref Utf8JsonReader reader, JsonFieldLayout field)
    {
        long value = ReadInt64(ref reader, field);
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw OutOfRange(ref reader, field);
    }

    private static long ReadInt64(ref Utf8JsonReader reader, JsonFieldLayout field)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetInt64(out long number))
            {
                return number;
            }

            // 1e3 or 2.0 are integers too; anything past the range or with a fraction is not.
            return reader.TryGetDouble(out double real) && IsInt64(real) ? (long)real : throw OutOfRange(ref reader, field);
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw Expected(ref reader, field, "an integer");
        }

        ReadOnlySpan<byte> text = Text(ref reader);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed))
        {
            return parsed;
        }

        return TryParseReal(text, out double fromText) && IsInt64(fromText) ? (long)fromText : throw Expected(ref reader, field, "an integer");
    }

    private static ulong ReadUInt64(ref Utf8JsonReader reader, JsonFieldLayout field)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetUInt64(out ulong number))
            {
                return number;
            }

            return reader.TryGetDouble(out double real) && IsUInt64(real) ? (ulong)real : throw OutOfRange(ref reader, field);
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw Expected(ref reader, field, "an unsigned integer");
        }

        ReadOnlySpan<byte> text = Text(ref reader);
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong parsed))
        {
            return parsed;
        }

        return TryParseReal(text, out double fromText) && IsUInt64(fromText) ? (ulong)fromText : throw Expected(ref reader, field, "an unsigned integer");
    }

    private static double ReadDouble(ref Utf8JsonReader reader, JsonFieldLayout field)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            // TryGetDouble fails only when the number is too large for a double.
            return reader.TryGetDouble(out double number) ? number : throw OutOfRange(ref reader, field);
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw Expected(ref reader, field, "a number");
        }

        ReadOnlySpan<byte> text = Text(ref reader);
        if (text.SequenceEqual("NaN"u8))
        {
            return double.NaN;
        }

        if (text.SequenceEqual("Infinity"u8))
        {
            return double.PositiveInfinity;
        }

        if (text.SequenceEqual("-Infinity"u8))
        {
            return double.NegativeInfinity;
        }

        return TryParseReal(text, out double parsed) && double.IsFinite(parsed) ? parsed : throw Expected(ref reader, field, "a number");
    }

    private static bool TryParseReal(ReadOnlySpan<byte> text, out double value) =>
        double.TryParse(
            text,
            NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture,
            out value);

    // The bounds are 2^63 and 2^64, exact as doubles; a double just below them is an exact integer too.
    private static bool IsInt64(double value) => value >= -9_223_372_036_854_775_808.0 && value < 9_223_372_036_854_775_808.0 && Math.Floor(value) == value;

    private static bool IsUInt64(double value) => value >= 0 && value < 18_446_744_073_709_551_616.0 && Math.Floor(value) == value;

    /// <summary>The current string token's text, unescaped.</summary>
    private static ReadOnlySpan<byte> Text(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped ? UnescapedText(ref reader) : reader.ValueSpan;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static byte[] UnescapedText(ref Utf8JsonReader reader)
    {
        // Escapes in numbers and enum names are legal but rare enough that the copy may allocate.
        var buffer = new byte[reader.ValueSpan.Length];
        return buffer[..reader.CopyString(buffer)];
    }

    private static OtlpFormatException Expected(ref Utf8JsonReader reader, JsonFieldLayout field, string what) =>
        Refusal(ref reader, $"field '{field.FullName}' must be {what}, not {Describe(reader.TokenType)}");

    private static OtlpFormatException OutOfRange(ref Utf8JsonReader reader, JsonFieldLayout field) =>
        Refusal(ref reader, $"the value of field '{field.FullName}' is out of range for its type");

    private static OtlpFormatException Refusal(ref Utf8JsonReader reader, string what) =>
        new($"invalid OTLP JSON at byte {reader.TokenStartIndex}: {what}");

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    /// <summary>"invalid JSON at byte N: what", with N counted from the start of the body, on one line.</summary>
    private static string DescribeSyntaxError(ReadOnlySpan<byte> utf8, JsonException ex)
    {
        string what = ex.Message;
        int cut = what.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            what = what[..cut];
        }

        what = what.ReplaceLineEndings(" ").Trim();
        if (ex.LineNumber is not long line || ex.BytePositionInLine is not long column)
        {
            return "invalid JSON: " + what;
        }

        long offset = column;
        int lineStart = 0;
        for (long i = 0; i < line; i++)
        {
            int next = utf8[lineStart..].IndexOf((byte)'\n');
            if (next < 0)
            {
                break;
            }

            lineStart += next + 1;
        }

        offset += lineStart;
        return $"invalid JSON at byte {offset}: {what}";
    }
}
