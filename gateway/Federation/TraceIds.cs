namespace OtlpGrains.Gateway.Federation;

/// <summary>The one check of a trace id the API and the federation service share.</summary>
internal static class TraceIds
{
    public const string Problem = "trace id must be 32 hex characters and not all zero";

    public static bool IsValid(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigit) && !id.All(c => c == '0');
}
