using System.Buffers.Binary;
using OtlpGrains.Agent.Protocols.Http1;
using OtlpGrains.Agent.Protocols.Redis;

namespace OtlpGrains.Agent.Protocols;

/// <summary>
/// Guesses a connection's protocol from the first bytes each way. Every check wants a tight shape (known method,
/// exact magic numbers, consistent lengths) because a wrong guess yields wrong spans while a miss yields none.
/// </summary>
public static class ProtocolSniffer
{
    /// <summary>The client's first bytes on an HTTP/2 connection with prior knowledge.</summary>
    public static ReadOnlySpan<byte> Http2Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    private const int PostgresProtocol3 = 0x0003_0000;
    private const int PostgresSslRequest = 80877103;
    private const int PostgresGssEncRequest = 80877104;

    /// <summary>
    /// Looks at the first captured bytes written (<paramref name="firstEgress"/>) and read (<paramref name="firstIngress"/>);
    /// either may be empty. A known <paramref name="role"/> limits the guess to requests flowing the matching way.
    /// </summary>
    public static SniffResult Detect(ReadOnlySpan<byte> firstEgress, ReadOnlySpan<byte> firstIngress, ConnectionRole role = ConnectionRole.Unknown)
    {
        if (role != ConnectionRole.Server && Detect(Direction.Egress, firstEgress) is { Found: true } egress
            && (role == ConnectionRole.Unknown || egress.RequestDirection == Direction.Egress))
        {
            return egress;
        }

        if (role != ConnectionRole.Client && Detect(Direction.Ingress, firstIngress) is { Found: true } ingress
            && (role == ConnectionRole.Unknown || ingress.RequestDirection == Direction.Ingress))
        {
            return ingress;
        }

        // The protocol may be recognisable only from the side that does not carry requests (MySQL's greeting, an HTTP status line).
        if (role == ConnectionRole.Client && Detect(Direction.Ingress, firstIngress) is { Found: true, RequestDirection: Direction.Egress } answer)
        {
            return answer;
        }

        if (role == ConnectionRole.Server && Detect(Direction.Egress, firstEgress) is { Found: true, RequestDirection: Direction.Ingress } reply)
        {
            return reply;
        }

        return SniffResult.None;
    }

    /// <summary>Guesses from one direction's first bytes alone.</summary>
    public static SniffResult Detect(Direction direction, ReadOnlySpan<byte> data)
    {
        var other = direction == Direction.Egress ? Direction.Ingress : Direction.Egress;
        if (data.Length < 4)
        {
            return SniffResult.None;
        }

        if (data.Length >= 16 && Http2Preface.StartsWith(data[..Math.Min(data.Length, Http2Preface.Length)]))
        {
            return new SniffResult(true, ProtocolKind.Http2, direction);
        }

        if (IsHttp1Request(data))
        {
            return new SniffResult(true, ProtocolKind.Http1, direction);
        }

        if (Http1Parser.IsResponseStart(data))
        {
            return new SniffResult(true, ProtocolKind.Http1, other);
        }

        if (RespParser.IsCommandStart(data))
        {
            return new SniffResult(true, ProtocolKind.Redis, direction);
        }

        if (IsPostgresStartup(data) || IsPostgresQuery(data))
        {
            return new SniffResult(true, ProtocolKind.Postgres, direction);
        }

        if (IsMySqlGreeting(data))
        {
            return new SniffResult(true, ProtocolKind.MySql, other);
        }

        if (IsMySqlQuery(data))
        {
            return new SniffResult(true, ProtocolKind.MySql, direction);
        }

        if (IsKafkaRequest(data))
        {
            return new SniffResult(true, ProtocolKind.Kafka, direction);
        }

        return SniffResult.None;
    }

    private static bool IsHttp1Request(ReadOnlySpan<byte> data)
    {
        if (!Http1Parser.IsRequestStart(data))
        {
            return false;
        }

        // "GET key" is also a Redis inline command: want an HTTP version on the first line, or a path cut by the capture.
        var lineEnd = data.IndexOf("\r\n"u8);
        var line = lineEnd < 0 ? data : data[..lineEnd];
        if (lineEnd >= 0)
        {
            return line.Length > 9 && line[^9] == (byte)' ' && line[^8..^1].SequenceEqual("HTTP/1."u8);
        }

        var space = line.IndexOf((byte)' ');
        return line.Length > space + 1 && line[space + 1] == (byte)'/' && line.Length > 64;
    }

    private static bool IsPostgresStartup(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(data);
        var code = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
        if (code is PostgresSslRequest or PostgresGssEncRequest)
        {
            return length == 8 && data.Length == 8;
        }

        // Kafka's Metadata v0 header starts with the same eight bytes' shape: a startup message continues with a
        // lowercase parameter name, a Kafka request with a correlation id.
        return code == PostgresProtocol3 && length is >= 9 and <= 10_000 && data.Length >= 9
            && data[8] is >= (byte)'a' and <= (byte)'z' && (data.Length < length || data[length - 1] == 0);
    }

    private static bool IsPostgresQuery(ReadOnlySpan<byte> data)
    {
        if (data.Length < 7 || data[0] != (byte)'Q')
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(data[1..]);
        return length >= 6 && length + 1 == data.Length && data[^1] == 0 && AsciiText.IsText(data[5..^1]);
    }

    private static bool IsMySqlGreeting(ReadOnlySpan<byte> data)
    {
        if (data.Length < 16)
        {
            return false;
        }

        var length = data[0] | (data[1] << 8) | (data[2] << 16);
        if (data[3] != 0 || data[4] != 10 || length is < 40 or > 1024 || !char.IsAsciiDigit((char)data[5]))
        {
            return false;
        }

        var version = data[5..Math.Min(data.Length, 4 + length)];
        var nul = version.IndexOf((byte)0);
        return nul is > 0 and < 64 && AsciiText.IsText(version[..nul]);
    }

    private static bool IsMySqlQuery(ReadOnlySpan<byte> data)
    {
        if (data.Length < 6)
        {
            return false;
        }

        var length = data[0] | (data[1] << 8) | (data[2] << 16);
        return data[3] == 0 && data[4] == 0x03 && length >= 2 && length + 4 == data.Length && AsciiText.IsText(data[5..])
            && char.IsAsciiLetter((char)data[5]);
    }

    private static bool IsKafkaRequest(ReadOnlySpan<byte> data)
    {
        if (data.Length < 14)
        {
            return false;
        }

        var size = BinaryPrimitives.ReadInt32BigEndian(data);
        var apiKey = BinaryPrimitives.ReadInt16BigEndian(data[4..]);
        var apiVersion = BinaryPrimitives.ReadInt16BigEndian(data[6..]);
        var correlationId = BinaryPrimitives.ReadInt32BigEndian(data[8..]);
        var clientIdLength = BinaryPrimitives.ReadInt16BigEndian(data[12..]);
        if (size < 10 || size > 64 * 1024 * 1024 || apiKey is < 0 or > 80 || apiVersion is < 0 or > 20 || correlationId < 0
            || clientIdLength < -1 || clientIdLength > 256 || data.Length > size + 4)
        {
            return false;
        }

        if (clientIdLength > 0)
        {
            var clientId = data[14..Math.Min(data.Length, 14 + clientIdLength)];
            foreach (var b in clientId)
            {
                if (b is < 0x20 or >= 0x7f)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
