using System.Buffers.Binary;
using System.Text;
using OtlpGrains.Agent.Protocols;

namespace OtlpGrains.Fuzz;

/// <summary>
/// Small conversations per protocol, written by hand from the protocols' specifications as a client and its server
/// exchange them, in the parser targets' input format: a side byte (0: the observed process is the client) and a
/// capture script (<see cref="CaptureScript"/>).
/// </summary>
public static class ProtocolSeeds
{
    private const Direction Request = Direction.Egress;
    private const Direction Response = Direction.Ingress;

    public static IReadOnlyList<byte[]> All() => [.. Http1(), .. Http2(), .. Resp(), .. Postgres(), .. MySql(), .. Kafka()];

    public static IReadOnlyList<byte[]> Http1() =>
    [
        Conversation(
            (Request, Ascii("GET /orders/42?x=1 HTTP/1.1\r\nHost: shop\r\ntraceparent: 00-0102030405060708090a0b0c0d0e0f10-0101010101010101-01\r\n\r\n")),
            (Response, Ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))),
        Conversation(
            (Request, Ascii("POST /pay HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")),
            (Response, Ascii("HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")),
            (Request, Ascii("HEAD / HTTP/1.1\r\n\r\n")),
            (Response, Ascii("HTTP/1.1 204 No Content\r\n\r\n"))),
    ];

    public static IReadOnlyList<byte[]> Http2()
    {
        byte[] settings = Frame(4, 0, 0, []);
        // HPACK: indexed :method GET, :scheme http, :path /; :authority as a literal with indexing of name 1.
        byte[] get = Frame(1, 0x5, 1, [0x82, 0x86, 0x84, 0x41, 4, .. Ascii("shop")]);
        // A gRPC call: :method POST, :path as a literal without indexing of name 4, content-type (name 31).
        byte[] grpc = Frame(1, 0x4, 3, [0x83, 0x86, 0x04, 13, .. Ascii("/pkg.Svc/Call"), 0x0f, 0x10, 16, .. Ascii("application/grpc")]);
        byte[] grpcData = Frame(0, 0x1, 3, [0, 0, 0, 0, 0]);
        byte[] status200 = Frame(1, 0x5, 1, [0x88]);
        byte[] grpcHeaders = Frame(1, 0x4, 3, [0x88]);
        // Trailers: grpc-status as a literal with a new name, and its dynamic-table reuse is left to the fuzzer.
        byte[] trailers = Frame(1, 0x5, 3, [0x40, 11, .. Ascii("grpc-status"), 1, (byte)'0']);
        return
        [
            Conversation(
                (Request, [.. ProtocolSniffer.Http2Preface, .. settings, .. get]),
                (Response, [.. settings, .. status200])),
            Conversation(
                (Request, [.. ProtocolSniffer.Http2Preface, .. settings, .. grpc, .. grpcData]),
                (Response, [.. settings, .. grpcHeaders, .. Frame(0, 0, 3, [0, 0, 0, 0, 0]), .. trailers])),
        ];
    }

    public static IReadOnlyList<byte[]> Resp() =>
    [
        Conversation(
            (Request, Ascii("*2\r\n$3\r\nGET\r\n$5\r\norder\r\n")),
            (Response, Ascii("$2\r\n42\r\n")),
            (Request, Ascii("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n$4\r\nPING\r\n")),
            (Response, Ascii("+OK\r\n-ERR wrong type\r\n")),
            (Request, Ascii("*2\r\n$6\r\nLRANGE\r\n$1\r\nl\r\n")),
            (Response, Ascii("*2\r\n:1\r\n$-1\r\n"))),
    ];

    public static IReadOnlyList<byte[]> Postgres()
    {
        byte[] startup = [.. Int32(8 + 24), .. Int32(0x0003_0000), .. Ascii("user\0app\0database\0shop\0\0")];
        byte[] ready = PgMessage('Z', [(byte)'I']);
        return
        [
            Conversation(
                (Request, startup),
                (Response, [.. PgMessage('R', Int32(0)), .. PgMessage('S', Ascii("server_version\016\0")), .. ready]),
                (Request, PgMessage('Q', Ascii("SELECT id FROM orders WHERE id = 42\0"))),
                (Response, [.. PgMessage('T', [0, 1, .. Ascii("id\0"), 0, 0, 0, 0, 0, 0, 0, 0, 0, 23, 0, 4, 255, 255, 255, 255, 0, 0]), .. PgMessage('D', [0, 1, 0, 0, 0, 2, .. Ascii("42")]), .. PgMessage('C', Ascii("SELECT 1\0")), .. ready]),
                (Request, [.. PgMessage('P', Ascii("s1\0UPDATE orders SET paid = true\0\0\0")), .. PgMessage('B', Ascii("\0s1\0\0\0\0\0\0\0")), .. PgMessage('E', [0, 0, 0, 0, 0]), .. PgMessage('S', [])]),
                (Response, [.. PgMessage('1', []), .. PgMessage('2', []), .. PgMessage('E', Ascii("SERROR\0C23505\0Mduplicate key\0\0")), .. ready])),
        ];
    }

    public static IReadOnlyList<byte[]> MySql()
    {
        byte[] greeting = MySqlPacket(0, [10, .. Ascii("10.11.6-MariaDB\0"), 1, 0, 0, 0, .. Ascii("abcdefgh"), 0, 0xff, 0xf7, 8, 2, 0, 0xff, 0x81, 21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, .. Ascii("ijklmnopqrst\0mysql_native_password\0")]);
        byte[] login = MySqlPacket(1, [0x0d, 0xa6, 0x0b, 0x01, 0, 0, 0, 1, 33, .. new byte[23], .. Ascii("app\0"), 0, .. Ascii("shop\0")]);
        byte[] ok = MySqlPacket(2, [0, 0, 0, 2, 0, 0, 0]);
        return
        [
            Conversation(
                (Response, greeting),
                (Request, login),
                (Response, ok),
                (Request, MySqlPacket(0, [3, .. Ascii("SELECT id FROM orders")])),
                (Response, [.. MySqlPacket(1, [1]), .. MySqlPacket(2, [3, .. Ascii("def"), 4, .. Ascii("shop"), 1, (byte)'t', 1, (byte)'t', 2, .. Ascii("id"), 2, .. Ascii("id"), 0x0c, 63, 0, 11, 0, 0, 0, 3, 0, 0, 0, 0, 0]), .. MySqlPacket(3, [0xfe, 0, 0, 2, 0, 0, 0])]),
                (Request, MySqlPacket(0, [3, .. Ascii("DELETE FROM nope")])),
                (Response, MySqlPacket(1, [0xff, 0x7a, 0x04, (byte)'#', .. Ascii("42S02Table 'shop.nope' doesn't exist")]))),
    ];
    }

    public static IReadOnlyList<byte[]> Kafka()
    {
        // Produce v3 (acks 1, one topic, one partition, an empty record batch) and Metadata v1, with their responses.
        byte[] produceBody = [0xff, 0xff, 0, 1, 0, 0, 0x75, 0x30, 0, 0, 0, 1, .. KafkaString("orders"), 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        byte[] produceResponse = [0, 0, 0, 1, .. KafkaString("orders"), 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0];
        byte[] metadataBody = [0, 0, 0, 1, .. KafkaString("orders")];
        return
        [
            Conversation(
                (Request, KafkaRequest(0, 3, 7, produceBody)),
                (Response, KafkaResponse(7, produceResponse)),
                (Request, KafkaRequest(3, 1, 8, metadataBody)),
                (Response, KafkaResponse(8, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))),
        ];
    }

    private static byte[] Conversation(params (Direction Direction, byte[] Bytes)[] chunks)
    {
        var script = new List<byte> { 0 };
        foreach (var (direction, bytes) in chunks)
        {
            CaptureScript.Append(script, direction, bytes);
        }

        return [.. script];
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    // An HTTP/2 frame: 24-bit length, type, flags, stream id.
    private static byte[] Frame(byte type, byte flags, int stream, byte[] payload) =>
        [(byte)(payload.Length >> 16), (byte)(payload.Length >> 8), (byte)payload.Length, type, flags, .. Int32(stream), .. payload];

    private static byte[] PgMessage(char type, byte[] body) => [(byte)type, .. Int32(4 + body.Length), .. body];

    // A MySQL packet: 24-bit little-endian length and a sequence number.
    private static byte[] MySqlPacket(byte sequence, byte[] payload) =>
        [(byte)payload.Length, (byte)(payload.Length >> 8), (byte)(payload.Length >> 16), sequence, .. payload];

    private static byte[] KafkaString(string text) => [(byte)(text.Length >> 8), (byte)text.Length, .. Ascii(text)];

    private static byte[] KafkaRequest(short apiKey, short version, int correlationId, byte[] body)
    {
        byte[] header = [(byte)(apiKey >> 8), (byte)apiKey, (byte)(version >> 8), (byte)version, .. Int32(correlationId), .. KafkaString("fuzz")];
        return [.. Int32(header.Length + body.Length), .. header, .. body];
    }

    private static byte[] KafkaResponse(int correlationId, byte[] body) => [.. Int32(4 + body.Length), .. Int32(correlationId), .. body];
}
