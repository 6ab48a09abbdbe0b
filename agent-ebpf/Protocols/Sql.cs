namespace OtlpGrains.Agent.Protocols;

/// <summary>What the parsers read out of SQL text.</summary>
internal static class Sql
{
    /// <summary>db.operation.name: the first keyword (SELECT, INSERT, ...), upper-cased; null when the text does not start with one.</summary>
    public static string? Operation(ReadOnlySpan<byte> sql)
    {
        var start = 0;
        while (start < sql.Length && (sql[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'('))
        {
            start++;
        }

        var end = start;
        while (end < sql.Length && end - start < 32 && char.IsAsciiLetter((char)sql[end]))
        {
            end++;
        }

        return end == start ? null : AsciiText.UpperToken(sql[start..end]);
    }

    /// <summary>The text of a NUL-terminated string, or of all the bytes when the terminator was cut off.</summary>
    public static ReadOnlySpan<byte> CString(ReadOnlySpan<byte> bytes, out int consumed)
    {
        var nul = bytes.IndexOf((byte)0);
        if (nul < 0)
        {
            consumed = bytes.Length;
            return bytes;
        }

        consumed = nul + 1;
        return bytes[..nul];
    }
}
