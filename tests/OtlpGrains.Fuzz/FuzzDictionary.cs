using System.Text;
using Google.Protobuf.Reflection;

namespace OtlpGrains.Fuzz;

/// <summary>
/// Tokens afl-fuzz splices into inputs (its -x dictionary), so that it need not guess a field name or a keyword byte by
/// byte. Built from our own sources: the OTLP descriptors' JSON names, and the protocols' keywords.
/// </summary>
public static class FuzzDictionary
{
    /// <summary>Each JSON key of the OTLP request <paramref name="message"/> and the messages below it, quoted, with JSON's literals.</summary>
    public static IReadOnlyList<string> Json(MessageDescriptor message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>();
        var pending = new Stack<MessageDescriptor>([message]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current.FullName))
            {
                continue;
            }

            foreach (var field in current.Fields.InFieldNumberOrder())
            {
                keys.Add($"\"{field.JsonName}\":");
                keys.Add($"\"{field.Name}\":");
                if (field.FieldType == FieldType.Message)
                {
                    pending.Push(field.MessageType);
                }
                else if (field.FieldType == FieldType.Enum)
                {
                    keys.UnionWith(field.EnumType.Values.Select(v => $"\"{v.Name}\""));
                }
            }
        }

        return [.. keys, "true", "false", "null", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "1e308", "-0", "\"\\u0000\"", "[]", "{}"];
    }

    public static IReadOnlyList<string> Http1 { get; } =
    [
        "GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", " HTTP/1.1\r\n", " HTTP/1.0\r\n", "HTTP/1.1 ", "\r\n", "\r\n\r\n", ": ",
        "Content-Length: ", "Transfer-Encoding: chunked", "Connection: close", "Upgrade: h2c", "Expect: 100-continue",
        "traceparent: ", "Content-Type: application/grpc", "0\r\n\r\n", "100 Continue", "101 Switching Protocols",
    ];

    public static IReadOnlyList<string> Resp { get; } =
        ["*1\r\n", "*2\r\n", "$3\r\n", "$-1\r\n", "*-1\r\n", "+OK\r\n", "-ERR ", ":1\r\n", "_\r\n", "%1\r\n", "~1\r\n", ">2\r\n", "GET", "SET", "MULTI", "EXEC", "SUBSCRIBE", "HELLO", "AUTH"];

    public static IReadOnlyList<string> Sql { get; } =
        ["SELECT ", "INSERT INTO ", "UPDATE ", "DELETE FROM ", "BEGIN", "COMMIT", "/* c */", "-- c\n", "'it''s'", "\"q\"", "$1", "?", " FROM ", " WHERE ", "CALL ", "WITH "];

    /// <summary>Writes <paramref name="tokens"/> in afl-fuzz's dictionary format, one quoted token a line.</summary>
    public static void Write(string path, IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var text = new StringBuilder();
        int i = 0;
        foreach (var token in tokens)
        {
            text.Append('t').Append(i++).Append("=\"");
            foreach (byte b in Encoding.UTF8.GetBytes(token))
            {
                if (b is >= 0x20 and < 0x7f and not (byte)'"' and not (byte)'\\')
                {
                    text.Append((char)b);
                }
                else
                {
                    text.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            text.Append("\"\n");
        }

        File.WriteAllText(path, text.ToString());
    }
}
