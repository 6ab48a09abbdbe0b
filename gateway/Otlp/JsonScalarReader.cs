using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using static OtlpGrains.Gateway.Otlp.OtlpJsonRefusals;

namespace OtlpGrains.Gateway.Otlp;

/// <summary>
/// Reads the JSON forms of protobuf numbers, bools and enums that the proto3 JSON mapping allows: numbers or
/// strings for every integer (exact to 64 bits, exponents allowed when the value is whole), "NaN" and "Infinity"
/// for floating point, names or numbers for enums.
/// </summary>
internal static class JsonScalarReader
{
    /// <summary>
    /// Reads a number, bool or enum as the value <see cref="OtlpJsonTranscoder"/> writes writes: a varint's value (negative
    /// int32 sign-extended, sint zigzagged) or the bits of a fixed-size value. False for an enum name this
    /// message type does not know, which is ignored like an unknown field.
    /// </summary>
    public static bool TryRead(ref Utf8JsonReader reader, JsonFieldLayout field, out ulong raw)
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
}
