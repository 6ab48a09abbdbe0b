using System.Text;

namespace OtlpGrains.Agent.Protocols;

/// <summary>
/// db.query.text without its literals: the conventions say non-parameterized query text should not be collected
/// unless sanitized, and captured SQL carries whatever values an application inlined (names, e-mails, tokens).
/// String literals (<c>'...'</c>, <c>E'...'</c>, <c>$tag$...$tag$</c>) and numbers become <c>?</c>; identifiers,
/// keywords, comments and bind parameters (<c>$1</c>, <c>?</c>, <c>:name</c>) stay.
/// </summary>
internal static class SqlText
{
    public static string? Sanitize(string? sql)
    {
        if (string.IsNullOrEmpty(sql))
        {
            return sql;
        }

        var text = sql.AsSpan();
        StringBuilder? result = null;
        var copied = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            int end;
            if (c == '\'')
            {
                end = QuotedEnd(text, i);
            }
            else if (c == '$' && DollarTagEnd(text, i) is > 0 and var tagEnd)
            {
                // $$body$$ or $tag$body$tag$: the body runs to the same tag.
                var tag = text[i..tagEnd];
                var close = text[tagEnd..].IndexOf(tag);
                end = close < 0 ? text.Length : tagEnd + close + tag.Length;
            }
            else if (char.IsAsciiDigit(c) && (i == 0 || !IsWordChar(text[i - 1])))
            {
                end = i + 1;
                while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '.'))
                {
                    end++;
                }
            }
            else if (IsWordChar(c) || c == '"' || c == '`')
            {
                // Identifiers and keywords (quoted ones too) are copied whole, so digits and quotes inside stay.
                end = c is '"' or '`' ? Math.Max(QuotedEnd(text, i), i + 1) : i + 1;
                while (c is not '"' and not '`' && end < text.Length && IsWordChar(text[end]))
                {
                    end++;
                }

                // E'...', X'...', N'...', B'...' prefixes: the literal goes with its prefix.
                if (end == i + 1 && c is 'E' or 'e' or 'X' or 'x' or 'N' or 'n' or 'B' or 'b' && end < text.Length && text[end] == '\'')
                {
                    end = QuotedEnd(text, end);
                    Replace(ref result, text, ref copied, i, end);
                }

                i = end;
                continue;
            }
            else if (c == '-' && i + 1 < text.Length && text[i + 1] == '-')
            {
                var newline = text[i..].IndexOf('\n');
                i = newline < 0 ? text.Length : i + newline;
                continue;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var close = text[(i + 2)..].IndexOf("*/".AsSpan());
                i = close < 0 ? text.Length : i + 2 + close + 2;
                continue;
            }
            else
            {
                i++;
                continue;
            }

            Replace(ref result, text, ref copied, i, end);
            i = end;
        }

        if (result is null)
        {
            return sql;
        }

        result.Append(text[copied..]);
        return result.ToString();
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$' or '@' or '#';

    private static void Replace(ref StringBuilder? result, ReadOnlySpan<char> text, ref int copied, int start, int end)
    {
        result ??= new StringBuilder(text.Length);
        result.Append(text[copied..start]).Append('?');
        copied = end;
    }

    /// <summary>The index after the quote that closes the one at <paramref name="start"/>; doubled quotes and backslash escapes stay inside.</summary>
    private static int QuotedEnd(ReadOnlySpan<char> text, int start)
    {
        var quote = text[start];
        var i = start + 1;
        while (i < text.Length)
        {
            if (text[i] == '\\' && quote == '\'')
            {
                i += 2;
            }
            else if (text[i] == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    i += 2;
                }
                else
                {
                    return i + 1;
                }
            }
            else
            {
                i++;
            }
        }

        return text.Length;
    }

    /// <summary>For <c>$$</c> or <c>$tag$</c> at <paramref name="start"/>, the index after the opening tag; 0 otherwise (<c>$1</c>).</summary>
    private static int DollarTagEnd(ReadOnlySpan<char> text, int start)
    {
        var i = start + 1;
        if (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            return 0;
        }

        while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
        {
            i++;
        }

        return i < text.Length && text[i] == '$' ? i + 1 : 0;
    }
}
