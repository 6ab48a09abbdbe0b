using System.Text;

namespace OtlpGrains.Agent.Protocols;

/// <summary>
/// db.query.summary: the operations of a SQL text and the tables they name, in order, as written
/// (<c>SELECT items</c>, <c>INSERT orders SELECT carts</c>, <c>CREATE TABLE items</c>). A light tokenizer, not a SQL
/// parser: literals, comments and column lists are skipped, so the summary stays low-cardinality.
/// </summary>
internal static class SqlSummary
{
    private const int MaxParts = 8;
    private const int MaxLength = 255;

    /// <summary>The summary, or null when the text names no table (<c>SELECT 1</c>, <c>BEGIN</c>) or starts with no keyword.</summary>
    public static string? Of(string? sql)
    {
        if (string.IsNullOrEmpty(sql))
        {
            return null;
        }

        var text = sql.AsSpan();
        var summary = new StringBuilder(32);
        var parts = 0;
        var tables = 0;
        var expectTable = false;
        var inFromList = false;
        var expectObjectKind = false;
        var position = 0;
        while (parts < MaxParts && NextToken(text, ref position, out var token, out var isWord))
        {
            if (!isWord)
            {
                // A comma in a FROM list introduces the next table; anything else that is not a word ends a target.
                expectTable = inFromList && token is ",";
                continue;
            }

            var keyword = Keyword(token);
            if (expectObjectKind)
            {
                if (keyword is "OR" or "REPLACE" or "UNIQUE" or "TEMP" or "TEMPORARY")
                {
                    continue;
                }

                expectObjectKind = false;
                if (keyword is "TABLE" or "INDEX" or "VIEW" or "SEQUENCE" or "SCHEMA" or "DATABASE" or "FUNCTION" or "PROCEDURE"
                    or "TRIGGER" or "TYPE" or "EXTENSION" or "USER" or "ROLE")
                {
                    Append(summary, keyword);
                    expectTable = true;
                    continue;
                }
            }

            if (expectTable)
            {
                if (keyword is "IF" or "NOT" or "EXISTS" or "ONLY" or "LATERAL")
                {
                    continue;
                }

                if (keyword is null)
                {
                    Append(summary, token);
                    parts++;
                    tables++;
                    expectTable = false;
                    continue;
                }

                expectTable = false;
            }

            switch (keyword)
            {
                case "SELECT" or "INSERT" or "UPDATE" or "DELETE" or "MERGE" or "REPLACE" or "TRUNCATE" or "CALL" or "COPY":
                    Append(summary, keyword);
                    parts++;
                    inFromList = false;
                    expectTable = keyword is "UPDATE" or "TRUNCATE" or "CALL" or "COPY";
                    break;
                case "CREATE" or "ALTER" or "DROP":
                    Append(summary, keyword);
                    parts++;
                    inFromList = false;
                    expectObjectKind = true;
                    break;
                case "FROM":
                    inFromList = true;
                    expectTable = true;
                    break;
                case "INTO" or "JOIN" or "TABLE":
                    inFromList = false;
                    expectTable = true;
                    break;
                case "AS" or null:
                    // Aliases and column names: a FROM list goes on after them.
                    break;
                default:
                    // WHERE, SET, VALUES, ON, GROUP, ...: the table list is over.
                    inFromList = false;
                    break;
            }
        }

        return tables == 0 || summary.Length > MaxLength ? null : summary.ToString();
    }

    private static void Append(StringBuilder summary, ReadOnlySpan<char> part)
    {
        if (summary.Length > 0)
        {
            summary.Append(' ');
        }

        summary.Append(part);
    }

    /// <summary>The upper-case keyword when <paramref name="token"/> is one the summary reacts to or stops at; else null.</summary>
    private static string? Keyword(ReadOnlySpan<char> token)
    {
        Span<char> upper = stackalloc char[16];
        if (token.Length > upper.Length || token[0] is '"' or '`' or '[')
        {
            return null;
        }

        token.ToUpperInvariant(upper);
        return upper[..token.Length] switch
        {
            "SELECT" => "SELECT", "INSERT" => "INSERT", "UPDATE" => "UPDATE", "DELETE" => "DELETE", "MERGE" => "MERGE",
            "REPLACE" => "REPLACE", "TRUNCATE" => "TRUNCATE", "CALL" => "CALL", "COPY" => "COPY",
            "CREATE" => "CREATE", "ALTER" => "ALTER", "DROP" => "DROP",
            "FROM" => "FROM", "INTO" => "INTO", "JOIN" => "JOIN", "TABLE" => "TABLE", "AS" => "AS",
            "INDEX" => "INDEX", "VIEW" => "VIEW", "SEQUENCE" => "SEQUENCE", "SCHEMA" => "SCHEMA", "DATABASE" => "DATABASE",
            "FUNCTION" => "FUNCTION", "PROCEDURE" => "PROCEDURE", "TRIGGER" => "TRIGGER", "TYPE" => "TYPE",
            "EXTENSION" => "EXTENSION", "USER" => "USER", "ROLE" => "ROLE",
            "IF" => "IF", "NOT" => "NOT", "EXISTS" => "EXISTS", "ONLY" => "ONLY", "LATERAL" => "LATERAL", "UNIQUE" => "UNIQUE",
            "TEMP" => "TEMP", "TEMPORARY" => "TEMPORARY", "OR" => "OR",
            "WHERE" or "SET" or "VALUES" or "ON" or "USING" or "GROUP" or "ORDER" or "HAVING" or "LIMIT" or "OFFSET" or "UNION"
                or "INTERSECT" or "EXCEPT" or "RETURNING" or "WINDOW" or "FOR" or "LEFT" or "RIGHT" or "INNER" or "OUTER"
                or "FULL" or "CROSS" or "NATURAL" or "DEFAULT" or "WITH" or "DISTINCT" or "ALL" or "AND" or "IS" or "NULL"
                or "LIKE" or "IN" or "BY" or "CASE" or "WHEN" or "THEN" or "ELSE" or "END" => "STOP",
            _ => null,
        };
    }

    /// <summary>
    /// The next word (identifier or keyword, dotted and quoted parts kept together, as written) or punctuation
    /// character; string literals, numbers, parameters and comments are skipped.
    /// </summary>
    private static bool NextToken(ReadOnlySpan<char> text, ref int position, out ReadOnlySpan<char> token, out bool isWord)
    {
        while (position < text.Length)
        {
            var c = text[position];
            if (char.IsWhiteSpace(c))
            {
                position++;
            }
            else if (c == '-' && position + 1 < text.Length && text[position + 1] == '-')
            {
                var end = text[position..].IndexOf('\n');
                position = end < 0 ? text.Length : position + end + 1;
            }
            else if (c == '/' && position + 1 < text.Length && text[position + 1] == '*')
            {
                var end = text[(position + 2)..].IndexOf("*/".AsSpan());
                position = end < 0 ? text.Length : position + 2 + end + 2;
            }
            else if (c == '\'')
            {
                position = SkipQuoted(text, position, '\'');
            }
            else if (char.IsAsciiDigit(c) || c is '$' or '?' or ':' or '@')
            {
                // Numbers, $1 / ? / :name / @var parameters, $$-quoting starts: never part of a summary.
                position++;
                while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] is '_' or '.' or '$'))
                {
                    position++;
                }
            }
            else if (char.IsLetter(c) || c is '_' or '"' or '`' or '[')
            {
                var start = position;
                while (true)
                {
                    if (position < text.Length && text[position] is '"' or '`' or '[')
                    {
                        position = SkipQuoted(text, position, text[position] == '[' ? ']' : text[position]);
                    }
                    else
                    {
                        while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] is '_' or '$'))
                        {
                            position++;
                        }
                    }

                    // schema.table: the dot and the next part belong to the same name.
                    if (position + 1 < text.Length && text[position] == '.' && (char.IsLetter(text[position + 1]) || text[position + 1] is '_' or '"' or '`' or '['))
                    {
                        position++;
                        continue;
                    }

                    break;
                }

                token = text[start..position];
                isWord = true;
                return true;
            }
            else
            {
                token = text.Slice(position, 1);
                position++;
                isWord = false;
                return true;
            }
        }

        token = default;
        isWord = false;
        return false;
    }

    private static int SkipQuoted(ReadOnlySpan<char> text, int position, char close)
    {
        var end = text[(position + 1)..].IndexOf(close);
        return end < 0 ? text.Length : position + 1 + end + 1;
    }
}
