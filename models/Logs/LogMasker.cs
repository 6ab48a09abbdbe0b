namespace OtlpGrains.Models.Logs;

/// <summary>
/// Splits a log body into whitespace-separated tokens and replaces the variable parts of each token by
/// <c>&lt;*&gt;</c> before the miner matches it: numbers (with units, signs, decimals, <c>0x</c> hex), long hex runs,
/// UUIDs, IPv4/IPv6/MAC addresses (with a port), host:port, URLs, paths (<c>/a/b</c>, <c>C:\x</c>), quoted values of
/// <c>key="..."</c>, clock times, and identifiers that mix letters and digits. Constant structure around a value
/// stays (<c>uid=&lt;*&gt;</c>, <c>[&lt;*&gt;]</c>, <c>node-&lt;*&gt;</c>), so templates read like the messages.
/// </summary>
/// <remarks>
/// Two rules change the token count so that one event keeps one length: a unit word after a number joins it
/// (<c>0 bytes</c>, <c>1.15 KB</c>, <c>3 sec</c>), and a parenthesised quantity right after a quantity restates it
/// (<c>1178 bytes (1.15 KB)</c>). One scan per character, no allocation per line.
/// </remarks>
public static class LogMasker
{
    /// <summary>The wildcard of masked values and generalised template positions.</summary>
    public const string Wildcard = "<*>";

    // A quoted value longer than this is text, not a value: its words are masked one by one.
    private const int MaxQuotedChars = 256;

    /// <summary>Masks <paramref name="body"/> into <paramref name="line"/> (cleared first).</summary>
    /// <param name="maxTokens">Tokens kept; the rest of a longer line becomes one last <c>&lt;*&gt;</c>.</param>
    /// <param name="maxTokenChars">A longer token (a blob, a stack of ids) is one <c>&lt;*&gt;</c>.</param>
    public static void Mask(ReadOnlySpan<char> body, MaskedLine line, int maxTokens, int maxTokenChars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        line.Clear();
        int i = 0;
        while (true)
        {
            while (i < body.Length && char.IsWhiteSpace(body[i]))
            {
                i++;
            }

            if (i == body.Length)
            {
                LogDates.Collapse(line);
                return;
            }

            if (line.Count == maxTokens - 1)
            {
                line.BeginToken();
                line.Append(Wildcard);
                line.EndToken();
                LogDates.Collapse(line);
                return;
            }

            int start = i;
            i = TokenEnd(body, i);
            Emit(body[start..i], line, maxTokenChars);
        }
    }

    /// <summary>Where the token from <paramref name="i"/> ends: at whitespace, except inside a quoted <c>key="a b"</c>.</summary>
    private static int TokenEnd(ReadOnlySpan<char> body, int i)
    {
        int start = i;
        while (i < body.Length && !char.IsWhiteSpace(body[i]))
        {
            char c = body[i];
            if (c is '"' or '\'' && i > start && body[i - 1] == '=')
            {
                // Bounded look-ahead: a body full of unclosed quotes must not cost a scan to its end per quote.
                ReadOnlySpan<char> ahead = body[(i + 1)..];
                int close = ahead[..Math.Min(ahead.Length, MaxQuotedChars)].IndexOf(c);
                if (close >= 0)
                {
                    i += close + 2;
                    continue;
                }
            }

            i++;
        }

        return i;
    }

    private static void Emit(ReadOnlySpan<char> raw, MaskedLine line, int maxTokenChars)
    {
        bool afterValue = line.Previous.EndsWith(Wildcard, StringComparison.Ordinal);
        if (afterValue)
        {
            int core = raw.Length;
            while (core > 0 && IsTrailing(raw[core - 1]))
            {
                core--;
            }

            if (LogTokenShapes.IsUnit(raw[..core]))
            {
                line.BeginToken();
                line.Append(raw[core..]);
                line.FoldOpenIntoPrevious(0);
                line.MarkQuantity();
                FoldRestatement(line);
                return;
            }
        }

        line.BeginToken();
        if (raw.Length > maxTokenChars)
        {
            line.Append(Wildcard);
        }
        else
        {
            MaskToken(raw, line);
        }

        line.EndToken();
        FoldRestatement(line);
    }

    /// <summary>
    /// A last token <c>(&lt;*&gt;)</c> after a quantity restates it in other units (<c>1178 bytes (1.15 KB)</c>): it
    /// keeps only its trailing punctuation. Other values in parentheses after a value (a host name after its address)
    /// stay, as they are often empty or absent.
    /// </summary>
    private static void FoldRestatement(MaskedLine line)
    {
        if (line.Count < 2 || !line.IsQuantity(line.Count - 2))
        {
            return;
        }

        const string Restated = "(" + Wildcard + ")";
        ReadOnlySpan<char> last = line.Token(line.Count - 1);
        if (!last.StartsWith(Restated, StringComparison.Ordinal))
        {
            return;
        }

        foreach (char c in last[Restated.Length..])
        {
            if (!IsTrailing(c))
            {
                return;
            }
        }

        line.FoldLastIntoPrevious(Restated.Length);
    }

    private static bool IsTrailing(char c) => c is ',' or '.' or ';' or ':' or ')' or ']';

    private static void MaskToken(ReadOnlySpan<char> token, MaskedLine line)
    {
        int i = 0;
        while (i < token.Length)
        {
            char c = token[i];
            if (c is '"' or '\'' && i > 0 && token[i - 1] == '=')
            {
                int close = token[(i + 1)..].IndexOf(c);
                if (close >= 0)
                {
                    line.Append(c);
                    if (close > 0)
                    {
                        line.Append(Wildcard);
                    }

                    line.Append(c);
                    i += close + 2;
                    continue;
                }
            }

            // "<1 sec": a comparison sign that opens a token belongs to its number.
            bool signedNumber = i == 0 && c is '<' or '>' && token.Length > 1 && char.IsAsciiDigit(token[1]);
            if (LogTokenShapes.IsHard(c) && !signedNumber)
            {
                line.Append(c);
                i++;
                continue;
            }

            int end = i + 1;
            while (end < token.Length && !LogTokenShapes.IsHard(token[end]))
            {
                end++;
            }

            MaskSegment(token[i..end], line);
            i = end;
        }
    }

    /// <summary>A run between hard delimiters: a path, one compound value, or words joined by colons and slashes.</summary>
    private static void MaskSegment(ReadOnlySpan<char> segment, MaskedLine line)
    {
        int end = segment.Length;
        while (end > 0 && segment[end - 1] is '.' or ':' or '!' or '?')
        {
            end--;
        }

        ReadOnlySpan<char> core = segment[..end];
        if (IsPath(core) || LogTokenShapes.IsCompoundVariable(core))
        {
            line.Append(Wildcard);
            line.Append(segment[end..]);
            return;
        }

        int k = 0;
        while (k < segment.Length)
        {
            if (segment[k] is ':' or '/')
            {
                line.Append(segment[k]);
                k++;
                continue;
            }

            int stop = k + 1;
            while (stop < segment.Length && segment[stop] is not ':' and not '/')
            {
                stop++;
            }

            MaskWord(segment[k..stop], line);
            k = stop;
        }
    }

    private static bool IsPath(ReadOnlySpan<char> core) =>
        (core.Length > 1 && core[0] == '/' && core[1] != '/' && !char.IsWhiteSpace(core[1]))
        || (core.Length > 2 && char.IsAsciiLetter(core[0]) && core[1] == ':' && core[2] == '\\');

    private static void MaskWord(ReadOnlySpan<char> word, MaskedLine line)
    {
        int end = word.Length;
        while (end > 0 && word[end - 1] is '.' or '!' or '?')
        {
            end--;
        }

        ReadOnlySpan<char> core = word[..end];
        int separator = NextSeparator(core, 0);
        if (LogTokenShapes.IsVariableWord(core, longDigitRuns: separator < 0))
        {
            line.Append(Wildcard);
            line.Append(word[end..]);
            return;
        }

        if (separator <= 0)
        {
            line.Append(word);
            return;
        }

        // node-42, CentOS-4, core.2275, BP-1347-10.1.2.3-1444: the name stays, the numbered parts are one value.
        int k = 0;
        while (k < core.Length)
        {
            int stop = NextSeparator(core, k);
            stop = stop < 0 ? core.Length : stop;
            ReadOnlySpan<char> part = core[k..stop];
            if (part.Length > 0 && LogTokenShapes.IsVariableWord(part))
            {
                ReadOnlySpan<char> open = line.Open;
                if (open.Length > Wildcard.Length && open[^1] is '-' or '#' or '.' && open[..^1].EndsWith(Wildcard, StringComparison.Ordinal))
                {
                    line.TrimOpen(1);
                }
                else
                {
                    line.Append(Wildcard);
                }
            }
            else
            {
                line.Append(part);
            }

            if (stop < core.Length)
            {
                line.Append(core[stop]);
            }

            k = stop + 1;
        }

        line.Append(word[end..]);
    }

    /// <summary>
    /// The next part separator (<c>-</c>, <c>#</c>, <c>.</c>) from <paramref name="from"/>, or -1. A dash after an
    /// underscore is a minus sign (<c>blk_-123</c>), not a separator.
    /// </summary>
    private static int NextSeparator(ReadOnlySpan<char> word, int from)
    {
        for (int i = from; i < word.Length; i++)
        {
            if (word[i] is '#' or '.' || (word[i] == '-' && (i == 0 || word[i - 1] != '_')))
            {
                return i;
            }
        }

        return -1;
    }
}
