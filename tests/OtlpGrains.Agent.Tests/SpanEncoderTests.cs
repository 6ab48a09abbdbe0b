using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Protocols;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>The agent's own span encoder writes exactly the bytes Google.Protobuf writes, for every span shape it makes.</summary>
public sealed class SpanEncoderTests
{
    private const long Offset = 1_700_000_000_000_000_000L;

    public static TheoryData<string> Shapes => [.. Exchanges().Keys];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MapperSpansEncodeLikeGoogleProtobuf(string shape)
    {
        Span span = SpanMapper.ToSpan(Exchanges()[shape], Offset, "10.1.2.3", 5432, tls: shape.Contains("tls", StringComparison.Ordinal));
        AssertSameBytes(span);
    }

    [Fact]
    public void EveryValueKindAndOptionalFieldEncodesLikeGoogleProtobuf()
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray()),
            SpanId = ByteString.CopyFrom(Enumerable.Range(1, 8).Select(i => (byte)i).ToArray()),
            ParentSpanId = ByteString.CopyFrom(Enumerable.Range(9, 8).Select(i => (byte)i).ToArray()),
            TraceState = "ot=th:8",
            Flags = 0x301,
            Name = "naïve ünïcode " + new string('x', 300), // multi-byte UTF-8 and a two-byte length
            Kind = Span.Types.SpanKind.Consumer,
            StartTimeUnixNano = 1,
            EndTimeUnixNano = ulong.MaxValue,
            DroppedAttributesCount = 3,
            Status = new Status(), // set but empty: still written
        };
        span.Attributes.Add(new KeyValue { Key = "s", Value = new AnyValue { StringValue = string.Empty } });
        span.Attributes.Add(new KeyValue { Key = "b", Value = new AnyValue { BoolValue = false } });
        span.Attributes.Add(new KeyValue { Key = "i", Value = new AnyValue { IntValue = -1 } });
        span.Attributes.Add(new KeyValue { Key = "d", Value = new AnyValue { DoubleValue = 0.25 } });
        span.Attributes.Add(new KeyValue { Key = "unset" });
        span.Attributes.Add(new KeyValue { Key = string.Empty, Value = new AnyValue() });
        AssertSameBytes(span);
    }

    [Fact]
    public void SpansWithPartsTheAgentNeverSetsAreLeftToGoogleProtobuf()
    {
        var withEvent = new Span { Name = "x" };
        withEvent.Events.Add(new Span.Types.Event { Name = "e" });
        var withBytes = new Span { Name = "x" };
        withBytes.Attributes.Add(new KeyValue { Key = "k", Value = new AnyValue { BytesValue = ByteString.CopyFromUtf8("v") } });

        Assert.Equal(-1, SpanEncoder.Measure(withEvent));
        Assert.Equal(-1, SpanEncoder.Measure(withBytes));
    }

    private static void AssertSameBytes(Span span)
    {
        byte[] expected = span.ToByteArray();
        Assert.Equal(expected.Length, SpanEncoder.Measure(span));
        var actual = new byte[expected.Length];
        SpanEncoder.Write(span, actual);
        Assert.Equal(expected, actual);
    }

    private static Dictionary<string, ProtocolExchange> Exchanges() => new()
    {
        ["http server ok"] = new() { Kind = ProtocolKind.Http1, Role = ConnectionRole.Server, RequestStartNs = 10, ResponseEndNs = 900, Method = "GET", Path = "/users/42", StatusCode = 200 },
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
