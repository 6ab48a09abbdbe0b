using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OtlpGrains.Agent.Metrics;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.Protocols;
using Xunit;

namespace OtlpGrains.Agent.Tests;

public sealed class RedMetricsTests
{
    private static readonly ProcessIdentity Shop = new(4242, "shop", "shop", "shop --port 8080", null, null);
    private static readonly ProcessIdentity Web = new(77, "web", "web", "web", null, null);

    [Fact]
    public void HttpServerExchangesBecomeDeltaHistogramsPerRouteAndStatus()
    {
        var red = new RedMetrics();
        red.Record(Shop, Http(ConnectionRole.Server, "GET", "/users/1", 200, ms: 3));
        red.Record(Shop, Http(ConnectionRole.Server, "GET", "/users/2", 200, ms: 30));
        red.Record(Shop, Http(ConnectionRole.Server, "GET", "/users/3", 200, ms: 3000));
        red.Record(Shop, Http(ConnectionRole.Server, "GET", "/users/4", 503, ms: 10, error: true));

        var request = red.Collect(1_000, 2_000)!;
        var resource = Assert.Single(request.ResourceMetrics);
        Assert.Equal("shop", Attr(resource.Resource.Attributes, "service.name"));
        var metric = Assert.Single(Assert.Single(resource.ScopeMetrics).Metrics);
        Assert.Equal("http.server.request.duration", metric.Name);
        Assert.Equal("s", metric.Unit);
        Assert.Equal(AggregationTemporality.Delta, metric.Histogram.AggregationTemporality);
        Assert.Equal(2, metric.Histogram.DataPoints.Count);

        var ok = Assert.Single(metric.Histogram.DataPoints, p => Attr(p.Attributes, "http.response.status_code") == "200");
        Assert.Equal(3ul, ok.Count);
        Assert.Equal(3.033, ok.Sum, 6);
        Assert.Equal(0.003, ok.Min, 9);
        Assert.Equal(3.0, ok.Max, 9);
        Assert.Equal("GET", Attr(ok.Attributes, "http.request.method"));
        Assert.Equal("/users/{id}", Attr(ok.Attributes, "http.route"));
        Assert.Null(Attr(ok.Attributes, "error.type"));
        Assert.Equal(RedMetrics.HttpBoundsSeconds, ok.ExplicitBounds);
        // 0.003 s in (.., 0.005], 0.030 s in (0.025, 0.05], 3 s in (2.5, 5]
        ulong[] expected = new ulong[RedMetrics.HttpBoundsSeconds.Length + 1];
        expected[0] = 1;
        expected[3] = 1;
        expected[11] = 1;
        Assert.Equal(expected, ok.BucketCounts);
        Assert.Equal(1_000ul, ok.StartTimeUnixNano);
        Assert.Equal(2_000ul, ok.TimeUnixNano);

        var failed = Assert.Single(metric.Histogram.DataPoints, p => Attr(p.Attributes, "http.response.status_code") == "503");
        Assert.Equal(1ul, failed.Count);
        Assert.Equal("503", Attr(failed.Attributes, "error.type"));

        // Delta: the next collection starts from nothing.
        Assert.Null(red.Collect(2_000, 3_000));
    }

    [Fact]
    public void ClientSideHttpErrorsIncludeFourHundredsAndUseUrlTemplate()
    {
        var red = new RedMetrics();
        red.Record(Web, Http(ConnectionRole.Client, "POST", "/orders/123", 404, ms: 1, error: true));

        var metric = Assert.Single(Assert.Single(Assert.Single(red.Collect(0, 1)!.ResourceMetrics).ScopeMetrics).Metrics);
        Assert.Equal("http.client.request.duration", metric.Name);
        var point = Assert.Single(metric.Histogram.DataPoints);
        Assert.Equal("404", Attr(point.Attributes, "error.type"));
        Assert.Equal("/orders/{id}", Attr(point.Attributes, "url.template"));
        Assert.Null(Attr(point.Attributes, "http.route"));
    }

    [Fact]
    public void GrpcAndDatabaseExchangesUseTheirConventions()
    {
        var red = new RedMetrics();
        red.Record(Shop, new ProtocolExchange
        {
            Kind = ProtocolKind.Http2, Role = ConnectionRole.Server, IsGrpc = true, Path = "/shop.Cart/Add", Method = "POST",
            StatusCode = 200, GrpcStatusCode = 5, IsError = true, RequestStartNs = 0, ResponseEndNs = 2_500_000,
        });
        red.Record(Shop, new ProtocolExchange
        {
            Kind = ProtocolKind.Postgres, Role = ConnectionRole.Client, Operation = "SELECT", DbName = "shop",
            RequestStartNs = 0, ResponseEndNs = 4_000_000,
        });
        red.Record(Shop, new ProtocolExchange { Kind = ProtocolKind.Kafka, Role = ConnectionRole.Client, Operation = "produce" });

        var metrics = Assert.Single(Assert.Single(red.Collect(0, 1)!.ResourceMetrics).ScopeMetrics).Metrics;
        Assert.Equal(["rpc.server.duration", "db.client.operation.duration"], metrics.Select(m => m.Name));

        var rpc = Assert.Single(metrics[0].Histogram.DataPoints);
        Assert.Equal("ms", metrics[0].Unit);
        Assert.Equal(2.5, rpc.Sum, 9);
        Assert.Equal("grpc", Attr(rpc.Attributes, "rpc.system"));
        Assert.Equal("shop.Cart", Attr(rpc.Attributes, "rpc.service"));
        Assert.Equal("Add", Attr(rpc.Attributes, "rpc.method"));
        Assert.Equal("5", Attr(rpc.Attributes, "rpc.grpc.status_code"));
        Assert.Equal("5", Attr(rpc.Attributes, "error.type"));

        var db = Assert.Single(metrics[1].Histogram.DataPoints);
        Assert.Equal(0.004, db.Sum, 9);
        Assert.Equal(RedMetrics.DbBoundsSeconds, db.ExplicitBounds);
        Assert.Equal("postgresql", Attr(db.Attributes, "db.system.name"));
        Assert.Equal("SELECT", Attr(db.Attributes, "db.operation.name"));
        Assert.Equal("shop", Attr(db.Attributes, "db.namespace"));
    }

    [Fact]
    public void SeriesBeyondTheCapFoldIntoOneOverflowSeriesPerProcess()
    {
        var red = new RedMetrics(maxSeriesPerProcess: 2);
        foreach (string method in new[] { "GET", "PUT", "POST", "DELETE", "PATCH" })
        {
            red.Record(Shop, Http(ConnectionRole.Server, method, "/a", 200, ms: 1));
        }

        // Another process has a cap of its own.
        red.Record(Web, Http(ConnectionRole.Server, "GET", "/a", 200, ms: 1));

        Assert.Equal(3, red.Overflowed);
        var request = red.Collect(0, 1)!;
        var shop = request.ResourceMetrics.Single(r => Attr(r.Resource.Attributes, "service.name") == "shop");
        var points = Assert.Single(Assert.Single(shop.ScopeMetrics).Metrics).Histogram.DataPoints;
        Assert.Equal(3, points.Count);
        var overflow = Assert.Single(points, p => Attr(p.Attributes, "otel.metric.overflow") == "True");
        Assert.Equal(3ul, overflow.Count);
        Assert.Equal(["GET", "PUT"], points.Where(p => p != overflow).Select(p => Attr(p.Attributes, "http.request.method")).Order(StringComparer.Ordinal));
        var web = request.ResourceMetrics.Single(r => Attr(r.Resource.Attributes, "service.name") == "web");
        Assert.Equal(1ul, Assert.Single(Assert.Single(web.ScopeMetrics).Metrics).Histogram.DataPoints.Single().Count);

        // The cap is per interval: after a collection the process may open new series again.
        red.Record(Shop, Http(ConnectionRole.Server, "DELETE", "/a", 200, ms: 1));
        Assert.Equal(3, red.Overflowed);
        Assert.Equal(1, red.SeriesCount);
    }

    private static ProtocolExchange Http(ConnectionRole role, string method, string path, int status, double ms, bool error = false) => new()
    {
        Kind = ProtocolKind.Http1,
        Role = role,
        Method = method,
        Path = path,
        StatusCode = status,
        IsError = error,
        RequestStartNs = 1_000_000,
        ResponseEndNs = 1_000_000 + (long)(ms * 1_000_000),
    };

    private static string? Attr(IEnumerable<KeyValue> attributes, string key) =>
        attributes.FirstOrDefault(a => a.Key == key)?.Value switch
        {
            null => null,
            { ValueCase: AnyValue.ValueOneofCase.IntValue } v => v.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            { ValueCase: AnyValue.ValueOneofCase.BoolValue } v => v.BoolValue.ToString(),
            var v => v.StringValue,
        };
}
