using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using static OtlpGrains.Gateway.Otlp.OtlpJsonRefusals;

namespace OtlpGrains.Gateway.Otlp;

/// <summary>
/// JSON strings written as protobuf length-delimited fields: text (checked UTF-8), bytes from base64, and OTLP's
/// trace and span ids from hex. Each is copied or decoded straight into the output, with no copy in between
/// unless the JSON string has escapes.
/// </summary>
internal static class JsonStringValues
{
    private const int StackLimit = 256;

    /// <summary>What an invalid hex id becomes: one byte, a length no id has, so validation drops just its item.</summary>
    private const byte InvalidIdByte = 0;

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

    public static void WriteString(ref Utf8JsonReader reader, JsonFieldLayout field, ProtobufWriter output, bool always)
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

    public static void WriteHexId(ref Utf8JsonReader reader, JsonFieldLayout field, ProtobufWriter output, bool always)
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

    public static void WriteBase64(ref Utf8JsonReader reader, JsonFieldLayout field, ProtobufWriter output, bool always)
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
}
