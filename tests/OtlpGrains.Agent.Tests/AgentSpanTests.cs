using System.Net;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Agent.Conntrack;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Protocols;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// The spans the agent encodes as it makes them are the bytes Google.Protobuf writes for the same span, for every shape
/// it makes, with the connection's block in place and after the linker changed their ids.
/// </summary>
public sealed class AgentSpanTests
{
    private const long Offset = 1_700_000_000_000_000_000L;

    private static readonly ConnectionAttributes Connection = ConnectionAttributes.Of(
        ConnectionRole.Client, new IPEndPoint(IPAddress.Parse("10.0.0.7"), 40_123), new IPEndPoint(IPAddress.Parse("10.96.0.10"), 5432),
        new ConntrackEntry(
            new IPEndPoint(IPAddress.Parse("10.0.0.7"), 40_123), new IPEndPoint(IPAddress.Parse("10.96.0.10"), 5432),
            new IPEndPoint(IPAddress.Parse("10.244.1.5"), 5432), new IPEndPoint(IPAddress.Parse("10.0.0.7"), 40_123)));

    public static TheoryData<string> Shapes => [.. Exchanges().Keys];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MapperSpansEncodeLikeGoogleProtobuf(string shape)
    {
        var exchange = Exchanges()[shape];
        var tls = shape.Contains("tls", StringComparison.Ordinal);
        AssertSameBytes(SpanMapper.ToSpan(exchange, Offset, "10.1.2.3", 5432, tls));
        var span = SpanMapper.ToSpan(exchange, Offset, Connection, tls);
        var proto = AssertSameBytes(span);

        // The connection's attributes follow the exchange's, before the stream id; each key once.
        Assert.Equal(Connection.Items, proto.Attributes.Where(a => Connection.Items.Any(c => c.Key == a.Key)));
        Assert.Equal(proto.Attributes.Count, proto.Attributes.Select(a => a.Key).Distinct().Count());
        Assert.Equal(exchange.IsError, proto.Status?.Code == Status.Types.StatusCode.Error);
    }

    [Fact]
    public void ALinkedSpanEncodesItsNewIdsLikeGoogleProtobuf()
    {
        var client = SpanMapper.ToSpan(Exchanges()["http client tls 404"], Offset, Connection);
        var server = SpanMapper.ToSpan(Exchanges()["http server ok"], Offset, Connection);
        Assert.Equal(0UL, server.ParentSpanId);

        server.TraceId = client.TraceId;
        server.ParentSpanId = client.SpanId;

        var proto = AssertSameBytes(server);
        Assert.Equal(client.ToProto().TraceId, proto.TraceId);
        Assert.Equal(client.ToProto().SpanId, proto.ParentSpanId);
    }

    [Fact]
    public void LongAndMultiByteValuesTakeLongerLengthPrefixes()
    {
        var exchange = new ProtocolExchange
        {
            Kind = ProtocolKind.Http1, Role = ConnectionRole.Server, RequestStartNs = 1, ResponseEndNs = 2, Method = "GET",
            Path = "/naïve/ünïcode/" + new string('x', 300), StatusCode = 503, IsError = true, ErrorCode = "über " + new string('y', 200),
        };

        var proto = AssertSameBytes(SpanMapper.ToSpan(exchange, Offset, Connection));
        Assert.Equal(exchange.Path, proto.Attributes.Single(a => a.Key == "url.path").Value.StringValue);
        Assert.Equal(exchange.ErrorCode, proto.Status.Message);
    }

    [Fact]
    public void ASpanMadeElsewhereKeepsEveryField()
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray()),
            SpanId = ByteString.CopyFrom(Enumerable.Range(1, 8).Select(i => (byte)i).ToArray()),
            ParentSpanId = ByteString.CopyFrom(Enumerable.Range(9, 8).Select(i => (byte)i).ToArray()),
            Flags = 0x301,
            Name = "naïve",
            Kind = Span.Types.SpanKind.Consumer,
            StartTimeUnixNano = 1,
            EndTimeUnixNano = ulong.MaxValue,
            Status = new Status(),
        };
        span.Attributes.Add(new KeyValue { Key = "d", Value = new AnyValue { DoubleValue = 0.25 } });
        span.Events.Add(new Span.Types.Event { Name = "e" });

        Assert.Equal(span, AgentSpan.Of(span).ToProto());
        Assert.Throws<ArgumentException>(() => AgentSpan.Of(new Span { Name = "no ids" }));
    }

    private static Span AssertSameBytes(AgentSpan span)
    {
        var actual = new byte[span.EncodedLength];
        span.WriteTo(actual);
        var proto = Span.Parser.ParseFrom(actual);
        Assert.Equal(proto.ToByteArray(), actual);
        return proto;
    }

    private static Dictionary<string, ProtocolExchange> Exchanges() => new()
    {
        ["http server ok"] = new() { Kind = ProtocolKind.Http1, Role = ConnectionRole.Server, RequestStartNs = 10, ResponseEndNs = 900, Method = "GET", Path = "/users/42", StatusCode = 200 },
        ["grpc server stream 5"] = new()
        {
            Kind = ProtocolKind.Http2, Role = ConnectionRole.Server, RequestStartNs = 10, ResponseEndNs = 900, Method = "POST", Path = "/demo.Greeter/SayHello",
            IsGrpc = true, GrpcStatusCode = 0, StatusCode = 200, StreamId = 5,
        },
        ["http server 500 with traceparent"] = new()
        {
            Kind = ProtocolKind.Http1, Role = ConnectionRole.Server, RequestStartNs = 10, ResponseEndNs = 900, Method = "POST", Path = "/orders",
            StatusCode = 500, IsError = true, TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        },
        ["http client tls 404"] = new() { Kind = ProtocolKind.Http1, Role = ConnectionRole.Client, RequestStartNs = 10, ResponseEndNs = 900, Method = "GET", Path = "/missing", StatusCode = 404, IsError = true },
        ["grpc server error"] = new()
        {
            Kind = ProtocolKind.Http2, Role = ConnectionRole.Server, RequestStartNs = 10, ResponseEndNs = 900, Method = "POST", Path = "/demo.Greeter/SayHello",
            IsGrpc = true, GrpcStatusCode = 13, StatusCode = 200, IsError = true,
        },
        ["postgres client error"] = new()
        {
            Kind = ProtocolKind.Postgres, Role = ConnectionRole.Client, RequestStartNs = 10, ResponseEndNs = 900, Operation = "SELECT",
            Statement = "SELECT * FROM missing_table WHERE id = 7", DbName = "shop", ErrorCode = "42P01", IsError = true,
        },
        ["mariadb server"] = new() { Kind = ProtocolKind.MySql, Role = ConnectionRole.Server, RequestStartNs = 10, ResponseEndNs = 900, Operation = "INSERT", Statement = "INSERT INTO items VALUES (1, 'ä')", IsMariaDb = true },
        ["redis client"] = new() { Kind = ProtocolKind.Redis, Role = ConnectionRole.Client, RequestStartNs = 10, ResponseEndNs = 900, Operation = "SET" },
        ["kafka producer error"] = new()
        {
            Kind = ProtocolKind.Kafka, Role = ConnectionRole.Client, RequestStartNs = 10, ResponseEndNs = 900, KafkaApiKey = 0, Operation = "produce",
            Topic = "orders", ClientId = "rdkafka", ErrorCode = "10", IsError = true,
        },
    };
}
