using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Text;

namespace OtlpGrains.Agent.Protocols;

/// <summary>Small ASCII routines the parsers share: case-insensitive matching, numbers, and strings without garbage.</summary>
internal static class AsciiText
{
    private static readonly FrozenDictionary<string, string> KnownTokens = new[]
    {
        "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "CONNECT", "TRACE",
        "SELECT", "INSERT", "UPDATE", "WITH", "BEGIN", "COMMIT", "ROLLBACK", "SET", "SHOW", "CREATE", "DROP",
        "ALTER", "TRUNCATE", "COPY", "CALL", "EXPLAIN", "VALUES", "MERGE", "DECLARE", "FETCH", "CLOSE", "USE",
        "PING", "ECHO", "GETSET", "MGET", "MSET", "SETEX", "SETNX", "INCR", "INCRBY", "DECR", "DECRBY", "DEL", "UNLINK",
        "EXISTS", "EXPIRE", "PEXPIRE", "TTL", "PTTL", "TYPE", "KEYS", "SCAN", "HGET", "HSET", "HMGET", "HMSET", "HDEL",
        "HGETALL", "HINCRBY", "HKEYS", "HLEN", "LPUSH", "RPUSH", "LPOP", "RPOP", "LRANGE", "LLEN", "BLPOP", "BRPOP",
        "SADD", "SREM", "SMEMBERS", "SISMEMBER", "SCARD", "ZADD", "ZREM", "ZRANGE", "ZRANGEBYSCORE", "ZSCORE", "ZCARD",
        "ZINCRBY", "PUBLISH", "SUBSCRIBE", "UNSUBSCRIBE", "PSUBSCRIBE", "MULTI", "EXEC", "DISCARD", "WATCH", "AUTH",
        "HELLO", "INFO", "CLIENT", "CONFIG", "SELECT", "EVAL", "EVALSHA", "SCRIPT", "FLUSHDB", "FLUSHALL", "DBSIZE",
        "XADD", "XREAD", "XRANGE", "XACK", "XREADGROUP", "QUIT", "COMMAND", "APPEND", "STRLEN", "GETDEL", "GETEX",
        "ERR", "WRONGTYPE", "NOAUTH", "MOVED", "ASK", "BUSY", "NOSCRIPT", "OOM", "EXECABORT", "LOADING", "READONLY",
    }.Distinct(StringComparer.Ordinal).ToFrozenDictionary(t => t, t => t, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> KnownLookup =
        KnownTokens.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The upper-cased ASCII token, from the shared table when it is a common one (no allocation then).</summary>
    public static string UpperToken(ReadOnlySpan<byte> token)
    {
        if (token.Length > 64)
        {
            token = token[..64];
        }

        Span<char> chars = stackalloc char[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            var b = token[i];
            chars[i] = b is >= (byte)'a' and <= (byte)'z' ? (char)(b - 32) : b < 0x80 ? (char)b : '?';
        }

        return KnownLookup.TryGetValue(chars, out var known) ? known : new string(chars);
    }

    /// <summary>Bytes as text, cut at <see cref="ParserLimits.MaxTextLength"/>; invalid UTF-8 becomes U+FFFD.</summary>
    public static string Text(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > ParserLimits.MaxTextLength)
        {
            bytes = bytes[..ParserLimits.MaxTextLength];
        }

        return Encoding.UTF8.GetString(bytes);
    }

    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> lowerAscii)
    {
        if (bytes.Length != lowerAscii.Length)
        {
            return false;
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b is >= (byte)'A' and <= (byte)'Z')
            {
                b += 32;
            }

            if (b != lowerAscii[i])
            {
                return false;
            }
        }

        return true;
    }

    public static bool ContainsIgnoreCase(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> lowerAscii)
    {
        for (var i = 0; i + lowerAscii.Length <= bytes.Length; i++)
        {
            if (EqualsIgnoreCase(bytes.Slice(i, lowerAscii.Length), lowerAscii))
            {
                return true;
            }
        }

        return false;
    }

    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> bytes)
    {
        var start = 0;
        var end = bytes.Length;
        while (start < end && bytes[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        while (end > start && bytes[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r')
        {
            end--;
        }

        return bytes[start..end];
    }

    /// <summary>A non-negative decimal of at most 18 digits; false for anything else.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 18)
        {
            return false;
        }

        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }

    /// <summary>A decimal with an optional minus sign, as RESP lengths and counts are written.</summary>
    public static bool TryParseSigned(ReadOnlySpan<byte> digits, out long value)
    {
        if (!digits.IsEmpty && digits[0] == (byte)'-')
        {
            var ok = TryParseDecimal(digits[1..], out value);
            value = -value;
            return ok;
        }

        return TryParseDecimal(digits, out value);
    }

    /// <summary>A hexadecimal chunk size of at most 15 digits.</summary>
    public static bool TryParseHex(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 15)
        {
            return false;
        }

        foreach (var b in digits)
        {
            int nibble = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (nibble < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)nibble;
        }

        return true;
    }

    /// <summary>True when every byte is printable ASCII or whitespace (tab, CR, LF) or part of UTF-8.</summary>
    public static bool IsText(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }

            if (b == 0x7f)
            {
                return false;
            }
        }

        return true;
    }

    public static int ReadInt32(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadInt32BigEndian(bytes);
}
