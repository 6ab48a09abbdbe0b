using System.Text.Json;

namespace OtlpGrains.Gateway.Otlp;

/// <summary>
/// The one-line refusals of OTLP/JSON decoding: "invalid JSON at byte N: ..." for syntax, "invalid OTLP JSON at byte
/// N: ..." for JSON that is not the message (a wrong type, a value out of range), N counted from the body's start.
/// </summary>
internal static class OtlpJsonRefusals
{
    internal static OtlpFormatException Expected(ref Utf8JsonReader reader, JsonFieldLayout field, string what) =>
        Refusal(ref reader, $"field '{field.FullName}' must be {what}, not {Describe(reader.TokenType)}");

    internal static OtlpFormatException OutOfRange(ref Utf8JsonReader reader, JsonFieldLayout field) =>
        Refusal(ref reader, $"the value of field '{field.FullName}' is out of range for its type");

    internal static OtlpFormatException Refusal(ref Utf8JsonReader reader, string what) =>
        new($"invalid OTLP JSON at byte {reader.TokenStartIndex}: {what}");

    internal static string Describe(JsonTokenType token) => token switch
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
    internal static string DescribeSyntaxError(ReadOnlySpan<byte> utf8, JsonException ex)
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
