using System.Buffers.Binary;
using OtlpGrains.Agent.Protocols;
using Xunit;

namespace OtlpGrains.Agent.Tests;

public sealed class ProtocolSnifferTests
{
    public static TheoryData<string, ProtocolKind, Direction> RequestSides => new()
    {
        { "GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n", ProtocolKind.Http1, Direction.Egress },
        { "POST /api HTTP/1.0\r\n", ProtocolKind.Http1, Direction.Egress },
        { "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", ProtocolKind.Http2, Direction.Egress },
        { "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n", ProtocolKind.Redis, Direction.Egress },
    };

    [Theory]
    [MemberData(nameof(RequestSides))]
    public void ClientFirstProtocolsAreFoundOnEitherSide(string text, ProtocolKind kind, Direction direction)
    {
        var bytes = Session.Ascii(text);

        Assert.Equal(new SniffResult(true, kind, direction), ProtocolSniffer.Detect(bytes, []));
        Assert.Equal(new SniffResult(true, kind, Direction.Ingress), ProtocolSniffer.Detect([], bytes));
        Assert.Equal(ConnectionRole.Server, ProtocolSniffer.Detect([], bytes).Role);
    }

    [Fact]
    public void HttpStatusLineMeansTheOtherSideAsked()
    {
        var result = ProtocolSniffer.Detect(Direction.Egress, "HTTP/1.1 200 OK\r\n"u8);

        Assert.Equal(new SniffResult(true, ProtocolKind.Http1, Direction.Ingress), result);
    }

    [Fact]
    public void PostgresStartupAndSslRequest()
    {
        Assert.Equal(ProtocolKind.Postgres, ProtocolSniffer.Detect(Direction.Egress, PostgresWire.Startup("app", "shop")).Kind);
        Assert.True(ProtocolSniffer.Detect(Direction.Egress, PostgresWire.Startup("app", "shop")).Found);
        byte[] ssl = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];
        Assert.Equal(new SniffResult(true, ProtocolKind.Postgres, Direction.Egress), ProtocolSniffer.Detect(Direction.Egress, ssl));
        Assert.Equal(new SniffResult(true, ProtocolKind.Postgres, Direction.Egress), ProtocolSniffer.Detect(Direction.Egress, PostgresWire.Query("select 1")));
    }

    [Fact]
    public void MySqlGreetingMeansTheReaderIsTheClient()
    {
        var greeting = MySqlWire.Greeting("8.0.36");

        Assert.Equal(new SniffResult(true, ProtocolKind.MySql, Direction.Egress), ProtocolSniffer.Detect([], greeting));
        Assert.Equal(new SniffResult(true, ProtocolKind.MySql, Direction.Egress), ProtocolSniffer.Detect([], greeting, ConnectionRole.Client));
    }

    [Fact]
    public void KafkaRequestHeader()
    {
        var produce = KafkaWire.Request(apiKey: 0, version: 7, correlationId: 42, clientId: "producer-1", KafkaWire.ProduceBody(7, "orders", acks: 1));
        var apiVersions = KafkaWire.Request(apiKey: 18, version: 2, correlationId: 1, clientId: "rdkafka", []);

        Assert.Equal(new SniffResult(true, ProtocolKind.Kafka, Direction.Egress), ProtocolSniffer.Detect(produce, []));
        Assert.Equal(new SniffResult(true, ProtocolKind.Kafka, Direction.Egress), ProtocolSniffer.Detect(apiVersions, []));
    }

    [Fact]
    public void KafkaMetadataV0IsNotTakenForPostgres()
    {
        // api key 3, version 0 puts 00 03 00 00 where PostgreSQL has its protocol number.
        var metadata = KafkaWire.Request(apiKey: 3, version: 0, correlationId: 5, clientId: "c", [0, 0, 0, 0]);

        Assert.Equal(ProtocolKind.Kafka, ProtocolSniffer.Detect(metadata, []).Kind);
        Assert.True(ProtocolSniffer.Detect(metadata, []).Found);
    }

    public static TheoryData<byte[]> NotProtocols => new()
    {
        Session.Ascii("GET key\r\n"),
        Session.Ascii("hello world, this is just text\n"),
        Session.Ascii("GETX / HTTP/1.1\r\n"),
        new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x11, 0x22, 0x33, 0x44, 0x55 },
        Session.Ascii("*2\r\n$3\r\nG1T\r\n"),
        Session.Ascii("SSH-2.0-OpenSSH_9.6\r\n"),
        Array.Empty<byte>(),
        new byte[] { 0, 0 },
    };

    [Theory]
    [MemberData(nameof(NotProtocols))]
    public void OtherBytesAreNotGuessed(byte[] bytes)
    {
        Assert.False(ProtocolSniffer.Detect(bytes, bytes).Found);
    }

    [Fact]
    public void RandomBytesAreAlmostNeverGuessed()
    {
        var random = new Random(5);
        var found = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            if (ProtocolSniffer.Detect(Direction.Egress, bytes).Found)
            {
                found++;
            }
        }

        Assert.Equal(0, found);
    }

    [Fact]
    public void KnownRoleIgnoresAGuessThatContradictsIt()
    {
        var request = "GET / HTTP/1.1\r\n\r\n"u8.ToArray();

        Assert.False(ProtocolSniffer.Detect([], request, ConnectionRole.Client).Found);
        Assert.Equal(Direction.Ingress, ProtocolSniffer.Detect([], request, ConnectionRole.Server).RequestDirection);
    }

    [Fact]
    public void BigEndianHelpersAgree()
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 80877103);
        Assert.Equal([0x04, 0xd2, 0x16, 0x2f], bytes.ToArray());
    }
}
