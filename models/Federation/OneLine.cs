namespace OtlpGrains.Models.Federation;

/// <summary>An error as one short line, for a peer's last error and an answer's detail.</summary>
public static class OneLine
{
    /// <summary>The longest detail kept: enough for an RPC status and its message.</summary>
    public const int MaxChars = 240;

    public static string Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var line = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= MaxChars ? line : string.Concat(line.AsSpan(0, MaxChars - 3), "...");
    }
}
