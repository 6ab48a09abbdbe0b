using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Protocols;
using Xunit;

namespace OtlpGrains.Agent.Tests;

public sealed class SpanMapperTests
{
    private const long Offset = 1_700_000_000_000_000_000;

    [Theory]
    [InlineData(ProtocolKind.Http1, false, false, "http")]
    [InlineData(ProtocolKind.Http1, false, true, "https")]
    [InlineData(ProtocolKind.Http2, false, true, "https")]
    [InlineData(ProtocolKind.Http2, true, true, null)] // gRPC spans are rpc spans
    [InlineData(ProtocolKind.Redis, false, true, null)]
    public void HttpSpansCarryTheUrlSchemeOfTheirTransport(ProtocolKind kind, bool grpc, bool tls, string? scheme)
    {
        var exchange = new ProtocolExchange { Kind = kind, Role = ConnectionRole.Client, Method = "GET", Path = "/a/B", IsGrpc = grpc };

        var span = SpanMapper.ToSpan(exchange, Offset, "127.0.0.1", 8443, tls).ToProto();

        Assert.Equal(scheme, span.Attributes.SingleOrDefault(a => a.Key == "url.scheme")?.Value.StringValue);
    }

    [Fact]
    public void HttpServerSpanJoinsTheCallersTraceAndFoldsIdsInItsName()
    {
        var exchange = new ProtocolExchange
        {
            Kind = ProtocolKind.Http1,
            Role = ConnectionRole.Server,
            RequestStartNs = 1_000,
            RequestEndNs = 2_000,
            ResponseStartNs = 5_000,
            ResponseEndNs = 9_000,
            Method = "GET",
            Path = "/users/42/orders/7f1c2a9e-7d34-4b42-9d8f-0c6b1f4d2a10",
            StatusCode = 503,
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            IsError = true,
        };

        var span = SpanMapper.ToSpan(exchange, Offset, "10.0.0.9", 51234).ToProto();

        Assert.Equal("GET /users/{id}/orders/{id}", span.Name);
        Assert.Equal(Span.Types.SpanKind.Server, span.Kind);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", Convert.ToHexStringLower(span.TraceId.Span));
        Assert.Equal("b7ad6b7169203331", Convert.ToHexStringLower(span.ParentSpanId.Span));
        Assert.Equal(8, span.SpanId.Length);
        Assert.Equal((ulong)(Offset + 1_000), span.StartTimeUnixNano);
        Assert.Equal((ulong)(Offset + 9_000), span.EndTimeUnixNano);
        Assert.Equal(Status.Types.StatusCode.Error, span.Status.Code);
        Assert.Equal(503, span.Attributes.Single(a => a.Key == "http.response.status_code").Value.IntValue);
        Assert.Equal("/users/42/orders/7f1c2a9e-7d34-4b42-9d8f-0c6b1f4d2a10", span.Attributes.Single(a => a.Key == "url.path").Value.StringValue);
        Assert.Equal("10.0.0.9", span.Attributes.Single(a => a.Key == "client.address").Value.StringValue);
    }

    [Fact]
    public void ClientDatabaseSpanStartsItsOwnTraceAndNamesTheSystem()
    {
        var exchange = new ProtocolExchange
        {
            Kind = ProtocolKind.Postgres,
            Role = ConnectionRole.Client,
            RequestStartNs = 10,
            RequestEndNs = 20,
            ResponseStartNs = 30,
            ResponseEndNs = 40,
            Operation = "SELECT",
            Statement = "SELECT 1",
            DbName = "shop",
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        };

        var span = SpanMapper.ToSpan(exchange, Offset, "127.0.0.1", 5432).ToProto();

        Assert.Equal("SELECT shop", span.Name);
        Assert.Equal(Span.Types.SpanKind.Client, span.Kind);
        Assert.True(span.ParentSpanId.IsEmpty);
        Assert.NotEqual("0af7651916cd43dd8448eb211c80319c", Convert.ToHexStringLower(span.TraceId.Span));
        Assert.Equal("postgresql", span.Attributes.Single(a => a.Key == "db.system.name").Value.StringValue);
        Assert.Equal("SELECT ?", span.Attributes.Single(a => a.Key == "db.query.text").Value.StringValue); // literals sanitized
        Assert.Equal(5432, span.Attributes.Single(a => a.Key == "server.port").Value.IntValue);
    }

    [Theory]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", true)]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01", false)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", false)]
    [InlineData("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", false)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319X-b7ad6b7169203331-01", false)]
    [InlineData("garbage", false)]
    public void TraceParentIsReadStrictly(string header, bool valid) =>
        Assert.Equal(valid, TraceParent.TryParse(header, out _, out _));

    [Fact]
    public void AServerSpanWithATraceParentJoinsThatTraceAsTheChildOfItsParent()
    {
        var exchange = new ProtocolExchange
        {
            Kind = ProtocolKind.Http1, Role = ConnectionRole.Server, Method = "GET", Path = "/", RequestStartNs = 1, ResponseEndNs = 2,
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        };

        var span = SpanMapper.ToSpan(exchange, Offset).ToProto();
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", Convert.ToHexStringLower(span.TraceId.Span));
        Assert.Equal("b7ad6b7169203331", Convert.ToHexStringLower(span.ParentSpanId.Span));
        Assert.NotEqual("b7ad6b7169203331", Convert.ToHexStringLower(span.SpanId.Span));
    }

    [Theory]
    [InlineData("/users/42/orders/7", "/users/{id}/orders/{id}")]
    [InlineData("/users/3f2504e0-4f89-11d3-9a0c-0305e82c3301", "/users/{id}")]
    [InlineData("/blobs/0123456789abcdef/raw", "/blobs/{id}/raw")]
    [InlineData("/blobs/0123456789abcdeg/raw", "/blobs/0123456789abcdeg/raw")] // not hex
    [InlineData("/v2/items/", "/v2/items/")]
    [InlineData("/", "/")]
    [InlineData("", "")]
    [InlineData("42", "{id}")]
    [InlineData("//7/", "//{id}/")]
    public void IdSegmentsBecomePlaceholders(string path, string expected)
    {
        string route = SpanMapper.LowCardinalityPath(path);
        Assert.Equal(expected, route);
        if (path == expected)
        {
            Assert.Same(path, route); // nothing to replace: no new string
        }
    }
}
