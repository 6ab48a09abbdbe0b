using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// Bookinfo behind Istio, as its Envoys report it over OTLP, sent with the OpenTelemetry SDK: one tracer provider per
/// proxy, whose resource names only Istio's tracing name ("reviews.bookinfo"), and whose spans carry Istio's string
/// tags. The ingress gateway sends one CLIENT span per request; each sidecar an inbound SERVER and an outbound CLIENT
/// span. productpage's application only forwards the trace headers; reviews' application is instrumented too, so its
/// own SERVER and HTTP client spans sit between its sidecar's spans. Every tenth call to ratings fails with a 503.
/// </summary>
internal sealed class IstioMeshScenario(string prefix, int traces)
{
    public string Gateway { get; } = $"{prefix}-ingressgateway";

    public string ProductPage { get; } = $"{prefix}-productpage";

    public string Reviews { get; } = $"{prefix}-reviews";

    public string Ratings { get; } = $"{prefix}-ratings";

    public int Traces { get; } = traces;

    public static bool RatingsFails(int i) => i % 10 == 3;

    public void Run(Uri grpcEndpoint)
    {
        var gateway = new Proxy(Gateway, "istio-system", "router", grpcEndpoint);
        var productPage = new Proxy(ProductPage, "bookinfo", "sidecar", grpcEndpoint);
        var reviews = new Proxy(Reviews, "bookinfo", "sidecar", grpcEndpoint);
        var ratings = new Proxy(Ratings, "bookinfo", "sidecar", grpcEndpoint);
        var reviewsAppSource = new ActivitySource($"{Reviews}.app");
        using var reviewsApp = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(Reviews))
            .AddSource(reviewsAppSource.Name)
            .AddOtlpExporter(o => { o.Protocol = OtlpExportProtocol.Grpc; o.Endpoint = grpcEndpoint; })
            .Build();
        Proxy[] proxies = [gateway, productPage, reviews, ratings];
        try
        {
            var t0 = DateTime.UtcNow.AddSeconds(-5);
            for (var i = 0; i < Traces; i++)
            {
                var start = t0.AddMilliseconds(i);
                int status = RatingsFails(i) ? 503 : 200;
                using var entry = gateway.Span(ActivityKind.Client, default, ProductPage, "outbound", 200, start, 0, 40);
                using (var productPageIn = productPage.Span(ActivityKind.Server, entry.Context, ProductPage, "inbound", 200, start, 1, 39))
                using (var productPageOut = productPage.Span(ActivityKind.Client, productPageIn.Context, Reviews, "outbound", 200, start, 3, 37))
                using (var reviewsIn = reviews.Span(ActivityKind.Server, productPageOut.Context, Reviews, "inbound", 200, start, 4, 36))
                {
                    using var app = reviewsAppSource.StartActivity("GET /reviews/{id}", ActivityKind.Server, reviewsIn.Context, startTime: start.AddMilliseconds(5))!;
                    using (var appClient = reviewsAppSource.StartActivity("GET", ActivityKind.Client, app.Context, startTime: start.AddMilliseconds(6))!)
                    {
                        appClient.SetTag("server.address", Ratings);
                        appClient.SetTag("http.response.status_code", status);
                        using (var reviewsOut = reviews.Span(ActivityKind.Client, appClient.Context, Ratings, "outbound", status, start, 7, 30))
                        using (ratings.Span(ActivityKind.Server, reviewsOut.Context, Ratings, "inbound", status, start, 8, 29))
                        {
                        }

                        appClient.SetEndTime(start.AddMilliseconds(31));
                    }

                    app.SetEndTime(start.AddMilliseconds(35));
                }
            }

            foreach (var proxy in proxies)
            {
                Assert.True(proxy.Flush(), $"{proxy.Workload}'s export did not finish");
            }

            Assert.True(reviewsApp.ForceFlush(10_000), "the reviews application's export did not finish");
        }
        finally
        {
            foreach (var proxy in proxies)
            {
                proxy.Dispose();
            }
        }
    }

    /// <summary>One Envoy: its resource is Istio's tracing name, its spans carry the workload's canonical name.</summary>
    private sealed class Proxy : IDisposable
    {
        private readonly ActivitySource _source;
        private readonly TracerProvider _provider;
        private readonly string _namespace;
        private readonly string _nodeKind;

        public Proxy(string workload, string workloadNamespace, string nodeKind, Uri grpcEndpoint)
        {
            Workload = workload;
            _namespace = workloadNamespace;
            _nodeKind = nodeKind;
            _source = new ActivitySource($"{workload}.envoy");
            _provider = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService($"{workload}.{workloadNamespace}"))
                .AddSource(_source.Name)
                .AddOtlpExporter(o => { o.Protocol = OtlpExportProtocol.Grpc; o.Endpoint = grpcEndpoint; })
                .Build();
        }

        public string Workload { get; }

        /// <summary>A proxy span from <paramref name="fromMs"/> to <paramref name="toMs"/> after <paramref name="start"/>.</summary>
        public Activity Span(ActivityKind kind, ActivityContext parent, string host, string direction, int status, DateTime start, double fromMs, double toMs)
        {
            var span = _source.StartActivity($"{host}.bookinfo.svc.cluster.local:9080/*", kind, parent, startTime: start.AddMilliseconds(fromMs))!;
            span.SetTag("component", "proxy");
            span.SetTag("node_id", $"{_nodeKind}~10.1.0.7~{Workload}-7d9f8c6b5-x2k4q.{_namespace}~{_namespace}.svc.cluster.local");
            span.SetTag("http.method", "GET");
            span.SetTag("http.protocol", "HTTP/1.1");
            span.SetTag("http.url", $"http://{host}:9080/");
            span.SetTag("upstream_cluster", direction == "inbound" ? "inbound|9080||" : $"outbound|9080||{host}.bookinfo.svc.cluster.local");
            span.SetTag("http.status_code", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            span.SetTag("response_flags", "-");
            span.SetTag("istio.canonical_service", Workload);
            span.SetTag("istio.canonical_revision", "v1");
            span.SetTag("istio.namespace", _namespace);
            span.SetTag("istio.mesh_id", "cluster.local");
            if (status >= 500)
            {
                span.SetTag("error", "true");
            }

            span.SetEndTime(start.AddMilliseconds(toMs));
            return span;
        }

        public bool Flush() => _provider.ForceFlush(10_000);

        public void Dispose()
        {
            _provider.Dispose();
            _source.Dispose();
        }
    }
}
