namespace OtlpGrains.Models.Logs;

/// <summary>
/// The shapes of variable text in log lines, recognised by hand-written scans (no regular expressions: the miner
/// masks every line of every service). One rule set for every system: what a value looks like, never what a
/// particular product prints.
/// </summary>
internal static class LogTokenShapes
{
    /// <summary>
    /// Characters that always separate the pieces of a token: <c>key=value</c>, brackets, quotes, list separators.
    /// What lies between them is classified on its own, so <c>uid=0</c> masks to <c>uid=&lt;*&gt;</c>.
    /// </summary>
    public static bool IsHard(char c) => c is '=' or ',' or ';' or '(' or ')' or '[' or ']' or '{' or '}'
        or '"' or '\'' or '<' or '>' or '|' or '@';

    /// <summary>
    /// Characters at which a template token may keep a constant prefix or suffix around a generalised middle
    /// (<c>node-&lt;*&gt;</c>, <c>(&lt;*&gt;)</c>). Dots and underscores are not among them: <c>blk_1</c> and
    /// <c>com.a.B</c> are one value each.
    /// </summary>
    public static bool IsBoundary(char c) => IsHard(c) || c is ':' or '/' or '-' or '#';

    /// <summary>
    /// A word (no hard delimiters, colons or slashes) that is a value: a number of any form (signed, decimal, hex
    /// <c>0x..</c>, with a unit such as <c>12ms</c>, <c>4GiB</c>, <c>41C</c>, a version <c>1.4.1</c>), a long hex run,
    /// an identifier with a long digit run (<c>blk_-123456</c>, <c>appattempt_1445_0001</c>), a token that mixes
    /// letters and digits back and forth (<c>jA9J1UvC004306</c>), or a boolean or null. Words such as <c>eth1</c>,
    /// <c>ssh2</c> or <c>e820</c> stay: they name things and are usually constant; the miner generalises them if they vary.
    /// </summary>
    /// <param name="longDigitRuns">
    /// Whether a long digit run makes the word a value; off for a word of several parts, whose parts are judged one
    /// by one (<c>core.25350</c> keeps <c>core.</c>).
    /// </param>
    public static bool IsVariableWord(ReadOnlySpan<char> word, bool longDigitRuns = true)
    {
        if (word.IsEmpty)
        {
            return false;
        }

        int first = word[0] is '+' or '-' or '<' or '>' or '~' or '#' && word.Length > 1 ? 1 : 0;
        if (char.IsAsciiDigit(word[first]))
        {
            return true;
        }

        if (IsLiteral(word))
        {
            return true;
        }

        // A version: v6.1.7601.
        if (word.Length > 2 && word[0] is 'v' or 'V' && char.IsAsciiDigit(word[1]) && word.Contains('.'))
        {
            return true;
        }

        int digits = 0, letters = 0, run = 0, longestRun = 0, switches = 0;
        bool hexOnly = true;
        int previousClass = 0; // 1 letter, 2 digit
        foreach (char c in word)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
                run++;
                longestRun = Math.Max(longestRun, run);
                switches += previousClass == 1 ? 1 : 0;
                previousClass = 2;
                continue;
            }

            run = 0;
            if (char.IsAsciiLetter(c))
            {
                letters++;
                hexOnly &= char.IsAsciiHexDigit(c);
                switches += previousClass == 2 ? 1 : 0;
                previousClass = 1;
            }
            else
            {
                hexOnly = false;
            }
        }

        return (longDigitRuns && longestRun >= 5)
            || switches >= 3
            || (hexOnly && word.Length >= 8)
            || (hexOnly && digits > 0 && letters > 0 && word.Length >= 6);
    }

    private static bool IsLiteral(ReadOnlySpan<char> word) =>
        word.Equals("true", StringComparison.OrdinalIgnoreCase)
        || word.Equals("false", StringComparison.OrdinalIgnoreCase)
        || word.Equals("null", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A run without hard delimiters that is one value as a whole even though it holds colons, slashes or dots: an
    /// IPv4 address (with an optional port), an IPv6 or MAC address, a clock time, a host name with a port, a URL or a UUID.
    /// </summary>
    public static bool IsCompoundVariable(ReadOnlySpan<char> run)
    {
        if (run.Length < 3)
        {
            return false;
        }

        if (run.Contains("://", StringComparison.Ordinal))
        {
            return true;
        }

        return IsIPv4(run, allowPort: true) || IsColonHex(run) || IsHostPort(run) || IsUuid(run);
    }

    /// <summary>
    /// A unit that follows a number as its own word and belongs to it: sizes (<c>10 KB</c>, <c>0 bytes</c>) and the
    /// symbols of time (<c>3 sec</c>, <c>&lt;1 sec</c>), as if written <c>10KB</c>. Spelled-out time words stay text
    /// (<c>&lt;*&gt; seconds</c>): messages name them as part of their prose.
    /// </summary>
    public static bool IsUnit(ReadOnlySpan<char> word) =>
        word.Length is > 0 and <= 7 && AnyOf(Units, word);

    private static readonly string[] Units =
    [
        "B", "KB", "MB", "GB", "TB", "KIB", "MIB", "GIB", "TIB", "BYTE", "BYTES",
        "NS", "US", "MS", "S", "SEC", "SECS", "MIN", "MINS", "H", "HR", "HRS",
    ];

    private static bool AnyOf(string[] words, ReadOnlySpan<char> word)
    {
        foreach (string candidate in words)
        {
            if (word.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsIPv4(ReadOnlySpan<char> run, bool allowPort)
    {
        int groups = 0, digits = 0, i = 0;
        for (; i < run.Length; i++)
        {
            char c = run[i];
            if (char.IsAsciiDigit(c))
            {
                if (++digits > 3)
                {
                    return false;
                }
            }
            else if (c == '.' && digits > 0 && groups < 3)
            {
                groups++;
                digits = 0;
            }
            else
            {
                break;
            }
        }

        if (groups != 3 || digits == 0)
        {
            return false;
        }

        return i == run.Length || (allowPort && run[i] == ':' && IsDigits(run[(i + 1)..]));
    }

    /// <summary>IPv6, MAC addresses and clock times: hex groups joined by at least one colon (or MAC dashes).</summary>
    private static bool IsColonHex(ReadOnlySpan<char> run)
    {
        int colons = 0, dashes = 0, digits = 0;
        foreach (char c in run)
        {
            if (c == ':')
            {
                colons++;
            }
            else if (c == '-')
            {
                dashes++;
            }
            else if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (!char.IsAsciiHexDigit(c) && c != '.')
            {
                return false;
            }
        }

        if (dashes > 0)
        {
            return colons == 0 && dashes == 5 && run.Length == 17; // MAC written with dashes
        }

        // A clock time (12:30, 12:30:05.123) or an address; at least one digit so that a word such as "add:" stays.
        return digits > 0 && (colons >= 2 || (colons == 1 && char.IsAsciiDigit(run[0]) && char.IsAsciiDigit(run[^1])));
    }

    /// <summary><c>host.example.com:443</c>: two or more DNS labels, the last alphabetic (not a source file), then a port.</summary>
    private static bool IsHostPort(ReadOnlySpan<char> run)
    {
        int colon = run.LastIndexOf(':');
        if (colon <= 0 || !IsDigits(run[(colon + 1)..]))
        {
            return false;
        }

        ReadOnlySpan<char> host = run[..colon];
        int slash = host.IndexOf('/');
        if (slash > 0 && IsIPv4(host[(slash + 1)..], allowPort: false))
        {
            host = host[..slash]; // Java's InetSocketAddress: name/address:port
        }

        bool numbered = false;
        foreach (char c in host)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '.' and not '-')
            {
                return false;
            }

            numbered |= c == '-' || char.IsAsciiDigit(c);
        }

        int dot = host.LastIndexOf('.');
        if (dot < 0)
        {
            // One label: a machine name such as msra-sa-41:8030, but not a key such as uid:1000.
            return numbered && char.IsAsciiLetter(host[0]);
        }

        if (dot == 0 || dot == host.Length - 1)
        {
            return false;
        }

        ReadOnlySpan<char> last = host[(dot + 1)..];
        foreach (char c in last)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return last.Length >= 2 && !AnyOf(SourceExtensions, last);
    }

    // file.java:123 is a source position, not a host and port.
    private static readonly string[] SourceExtensions =
        ["java", "scala", "kt", "py", "go", "rs", "js", "ts", "cs", "cc", "cpp", "hpp", "rb", "php", "swift"];

    private static bool IsUuid(ReadOnlySpan<char> run)
    {
        if (run.Length != 36)
        {
            return false;
        }

        for (int i = 0; i < 36; i++)
        {
            bool dash = i is 8 or 13 or 18 or 23;
            if (dash ? run[i] != '-' : !char.IsAsciiHexDigit(run[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
