namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// The severity of a Java-style log line (<c>16:42:22.382 INFO  t.s.TravelServiceImpl#532 ...</c>): the first of
/// its leading words that is a level name, as OTLP's severity number (TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17,
/// FATAL 21) and text.
/// </summary>
internal static class LogSeverity
{
    // The level comes after a time (and sometimes a date); looking further would catch words of the message.
    private const int LeadingWords = 3;

    public static (int Number, string Text) Of(string line)
    {
        ReadOnlySpan<char> rest = line.AsSpan();
        for (int word = 0; word < LeadingWords; word++)
        {
            rest = rest.TrimStart();
            int end = rest.IndexOfAny(' ', '\t');
            ReadOnlySpan<char> token = end < 0 ? rest : rest[..end];
            if (Level(token) is { } level)
            {
                return level;
            }

            if (end < 0)
            {
                break;
            }

            rest = rest[end..];
        }

        return (0, "");
    }

    private static (int, string)? Level(ReadOnlySpan<char> token) => token switch
    {
        _ when token.Equals("TRACE", StringComparison.OrdinalIgnoreCase) => (1, "TRACE"),
        _ when token.Equals("DEBUG", StringComparison.OrdinalIgnoreCase) => (5, "DEBUG"),
        _ when token.Equals("INFO", StringComparison.OrdinalIgnoreCase) => (9, "INFO"),
        _ when token.Equals("WARN", StringComparison.OrdinalIgnoreCase) || token.Equals("WARNING", StringComparison.OrdinalIgnoreCase) => (13, "WARN"),
        _ when token.Equals("ERROR", StringComparison.OrdinalIgnoreCase) => (17, "ERROR"),
        _ when token.Equals("FATAL", StringComparison.OrdinalIgnoreCase) => (21, "FATAL"),
        _ => null,
    };
}
