using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Interfaces;
using Xunit;
using static OtlpGrains.Gateway.Tests.TraceRequests;
using SpanKind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind;

namespace OtlpGrains.Gateway.Tests;

/// <summary>
/// Spans shaped as Istio's Envoy sidecars send them over OTLP: the resource names only Istio's tracing name
/// ("reviews.bookinfo"), every tag is a string, and each span carries <c>component</c> "proxy" and the
/// <c>istio.*</c> tags of the workload the sidecar serves.
/// </summary>
public sealed class MeshProxySpanTests
{
    private static readonly Guid BatchId = new("6d1f0e2c-8b7a-4c5d-9e3f-2a1b0c9d8e7f");

    [Fact]
    public void SidecarSpansBelongToTheCanonicalServiceTheApplicationAlsoUses()
    {
        var request = Request(
            Resource(Service("reviews.bookinfo"), [Envoy(Span(1, 2, parent: 1, kind: SpanKind.Server, name: "reviews.bookinfo.svc.cluster.local:9080/*"), "reviews", "inbound|9080||", "200")]),
            Resource(Service("reviews"), [Span(1, 3, parent: 2, kind: SpanKind.Server, name: "GET /reviews/{id}")]));

        var plan = Plans.Traces(request, BatchId);

        var reviews = Assert.Single(plan.Services);
        Assert.Equal("reviews", reviews.Key);
        Assert.Equal(2, reviews.Value.Spans.Length);
        Assert.All(Assert.Single(plan.Traces).Spans, s => Assert.Equal("reviews", s.Service));
    }

    [Fact]
    public void ResourceNamespaceStaysOnTheCanonicalName()
    {
        // Istio's newer enrichment sets service.namespace on the sidecar's resource, as instrumented apps do.
        var span = Envoy(Span(1, 2, parent: 1, kind: SpanKind.Server), "ratings", "inbound|9080||", "200");

        var plan = Plans.Traces(Request(Resource(Service("ratings.bookinfo", "bookinfo"), [span])), BatchId);

        Assert.Equal("bookinfo/ratings", Assert.Single(plan.Services).Key);
        Assert.Equal("bookinfo/ratings", Assert.Single(Assert.Single(plan.Traces).Spans).Service);
    }

    [Theory]
    [InlineData("503", null, true)]
    [InlineData("200", "true", true)]
    [InlineData("200", "false", false)]
    [InlineData("0", null, false)]
    public void EnvoyStringStatusAndErrorTagMarkFailures(string status, string? errorTag, bool failed)
    {
        var span = Envoy(Span(1, 2, parent: 1, kind: SpanKind.Server), "ratings", "inbound|9080||", status);
        if (errorTag is not null)
        {
            span.Attributes.Add(Attr("error", errorTag));
        }

        var plan = Plans.Traces(Request(Resource(Service("ratings.bookinfo"), [span])), BatchId);

        Assert.Equal(failed, Assert.Single(Assert.Single(plan.Traces).Spans).IsError);
        Assert.Equal(failed, Assert.Single(Assert.Single(plan.Services).Value.Spans).Role.HasFlag(SpanRole.Error));
    }

    [Fact]
    public void BoolErrorTagCountsToo()
    {
        var span = Span(1, 2, parent: 1, kind: SpanKind.Server);
        span.Attributes.Add(new KeyValue { Key = "error", Value = new AnyValue { BoolValue = true } });

        Assert.True(Assert.Single(Assert.Single(Plans.Traces(Request("svc", span), BatchId).Traces).Spans).IsError);
    }

    [Fact]
    public void ProxyRequestsCanBeLeftToTheApplication()
    {
        // The sidecar's inbound span and the application's server span of one request, and a failing proxy span.
        var request = Request(
            Resource(Service("reviews.bookinfo"),
            [
                Envoy(Span(1, 2, parent: 1, kind: SpanKind.Server), "reviews", "inbound|9080||", "200"),
                Envoy(Span(2, 5, kind: SpanKind.Client), "reviews", "outbound|9080||ratings.bookinfo.svc.cluster.local", "503"),
            ]),
            Resource(Service("reviews"), [Span(1, 3, parent: 2, kind: SpanKind.Server)]),
            Resource(Service("other"), [Span(1, 4, parent: 3, kind: SpanKind.Server, name: "proxy-only-by-component")]));
        request.ResourceSpans[2].ScopeSpans[0].Spans[0].Attributes.Add(Attr("component", "proxy"));
        byte[] bytes = request.ToByteArray();

        var counted = TraceRequestReader.Read(bytes, BatchId);
        var left = TraceRequestReader.Read(bytes, BatchId, countProxyRequests: false);

        // By span id: the sidecar's inbound span (2), the application's (3), the failing outbound root (5).
        Assert.Equal([SpanRole.Request, SpanRole.Request, SpanRole.Request | SpanRole.Root | SpanRole.Error], Roles(counted, "reviews"));
        Assert.Equal([SpanRole.None, SpanRole.Request, SpanRole.None], Roles(left, "reviews"));
        Assert.Equal([SpanRole.None], Roles(left, "other"));

        // The trace side is the same either way: the spans keep their failures for edges and sampling.
        Assert.Equal(counted.Traces.SelectMany(t => t.Spans), left.Traces.SelectMany(t => t.Spans));
        Assert.Contains(left.Traces.SelectMany(t => t.Spans), s => s.SpanId == 5 && s.IsError);
    }

    [Fact]
    public void OracleAgreesOnEnvoySpans()
    {
        var request = Request(
            Resource(Service("productpage.bookinfo", "bookinfo"),
            [
                Envoy(Span(1, 2, parent: 1, kind: SpanKind.Server), "productpage", "inbound|9080||", "200"),
                Envoy(Span(1, 3, parent: 2, kind: SpanKind.Client), "productpage", "outbound|9080||reviews.bookinfo.svc.cluster.local", "503"),
            ]),
            Resource(Service("istio-ingressgateway.istio-system"), [Envoy(Span(1, 1, kind: SpanKind.Client), "istio-ingressgateway", "outbound|9080||productpage.bookinfo.svc.cluster.local", "200")]));
        byte[] bytes = request.ToByteArray();

        foreach (bool count in new[] { true, false })
        {
            Assert.Equal(
                PlanText.Of(Oracle.TraceRequestSplitter.Split(OpenTelemetry.Proto.Collector.Trace.V1.ExportTraceServiceRequest.Parser.ParseFrom(bytes), BatchId, count)),
                PlanText.Of(TraceRequestReader.Read(bytes, BatchId, count)));
        }
    }

    /// <summary>The tags Istio's sidecar puts on every span, all strings, as Envoy sends them.</summary>
    private static Span Envoy(Span span, string canonicalService, string upstreamCluster, string statusCode)
    {
        span.Attributes.Add(
        [
            Attr("component", "proxy"),
            Attr("node_id", $"sidecar~10.1.2.3~{canonicalService}-7d9f8c6b5-x2k4q.bookinfo~bookinfo.svc.cluster.local"),
            Attr("zone", ""),
            Attr("guid:x-request-id", "7f3c2a1e-0b9d-4c8e-a6f5-1d2e3c4b5a69"),
            Attr("http.url", $"http://{canonicalService}:9080/"),
            Attr("http.method", "GET"),
            Attr("downstream_cluster", "-"),
            Attr("user_agent", "python-requests/2.31"),
            Attr("http.protocol", "HTTP/1.1"),
            Attr("peer.address", "10.1.2.4"),
            Attr("request_size", "0"),
            Attr("upstream_cluster", upstreamCluster),
            Attr("upstream_cluster.name", upstreamCluster),
            Attr("http.status_code", statusCode),
            Attr("response_size", "178"),
            Attr("response_flags", "-"),
            Attr("istio.canonical_revision", "v1"),
            Attr("istio.canonical_service", canonicalService),
            Attr("istio.mesh_id", "cluster.local"),
            Attr("istio.namespace", "bookinfo"),
        ]);
        return span;
    }

    private static SpanRole[] Roles(TraceIngestPlan plan, string service) =>
        [.. plan.Services.Single(s => s.Key == service).Value.Spans.OrderBy(s => s.SpanId).Select(s => s.Role)];
}
