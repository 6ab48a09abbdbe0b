using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace OtlpGrains.Benchmarks;

/// <summary>
/// A deterministic metrics export request shaped like an SDK's periodic export: 20 services, each with HTTP server
/// duration histograms (15 buckets) and request counters per route and status, a few gauges, and a summary.
/// </summary>
internal static class MetricExportSample
{
    public const int ServiceCount = 20;

    // Per service: 4 routes x 2 statuses of histogram and sum, 6 gauges, 2 summaries = 24 points.
    public const int PointsPerService = 24;

    public const int PointCount = ServiceCount * PointsPerService;

    private const ulong Now = 1_767_225_600_000_000_000;

    private static readonly string[] Routes = ["/api/orders/{id}", "/api/cart", "/api/users/{id}", "/api/search"];

    private static readonly double[] Bounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    public static ExportMetricsServiceRequest Create()
    {
        var request = new ExportMetricsServiceRequest();
        for (int s = 0; s < ServiceCount; s++)
        {
            var duration = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative };
            var requests = new Sum { AggregationTemporality = AggregationTemporality.Cumulative, IsMonotonic = true };
            for (int r = 0; r < Routes.Length; r++)
            {
                foreach (var status in new[] { 200, 500 })
                {
                    var point = new HistogramDataPoint
                    {
                        StartTimeUnixNano = Now - 60_000_000_000,
                        TimeUnixNano = Now,
                        Count = (ulong)(100 * (r + 1)),
                        Sum = 1234.5 * (r + 1),
                        Min = 1,
                        Max = 900,
                        ExplicitBounds = { Bounds },
                    };
                    point.BucketCounts.AddRange(Enumerable.Range(0, Bounds.Length + 1).Select(b => (ulong)(b * 3 + r)));
                    point.Attributes.AddRange(RouteAttributes(Routes[r], status));
                    duration.DataPoints.Add(point);

                    var count = new NumberDataPoint { StartTimeUnixNano = Now - 60_000_000_000, TimeUnixNano = Now, AsInt = 100 * (r + 1) };
                    count.Attributes.AddRange(RouteAttributes(Routes[r], status));
                    requests.DataPoints.Add(count);
                }
            }

            var gauges = new Gauge();
            for (int g = 0; g < 6; g++)
            {
                gauges.DataPoints.Add(new NumberDataPoint
                {
                    TimeUnixNano = Now,
                    AsDouble = 0.25 * g,
                    Attributes = { new KeyValue { Key = "process.cpu.state", Value = new AnyValue { StringValue = g % 2 == 0 ? "user" : "system" } } },
                });
            }

            var summary = new Summary();
            for (int q = 0; q < 2; q++)
            {
                summary.DataPoints.Add(new SummaryDataPoint
                {
                    TimeUnixNano = Now,
                    Count = 42,
                    Sum = 17.5,
                    QuantileValues = { new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0.5, Value = 0.3 }, new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0.99, Value = 1.2 } },
                });
            }

            var scope = new ScopeMetrics { Scope = new InstrumentationScope { Name = "OpenTelemetry.Instrumentation.AspNetCore", Version = "1.12.0" } };
            scope.Metrics.Add(new Metric { Name = "http.server.request.duration", Unit = "ms", Histogram = duration });
            scope.Metrics.Add(new Metric { Name = "http.server.requests", Unit = "{request}", Sum = requests });
            scope.Metrics.Add(new Metric { Name = "process.cpu.utilization", Unit = "1", Gauge = gauges });
            scope.Metrics.Add(new Metric { Name = "gc.pause", Unit = "ms", Summary = summary });
            var resourceMetrics = new ResourceMetrics { Resource = ResourceOf(s) };
            resourceMetrics.ScopeMetrics.Add(scope);
            request.ResourceMetrics.Add(resourceMetrics);
        }

        return request;
    }

    internal static Resource ResourceOf(int service)
    {
        var resource = new Resource();
        resource.Attributes.Add(Str("service.name", $"service-{service:D2}"));
        resource.Attributes.Add(Str("service.version", $"1.{service % 4}.{service}"));
        resource.Attributes.Add(Str("service.instance.id", $"service-{service:D2}-7d9f8b6c5-{service:x4}"));
        resource.Attributes.Add(Str("host.name", $"node-{service % 5}.cluster.local"));
        resource.Attributes.Add(Str("telemetry.sdk.language", "dotnet"));
        return resource;
    }

    internal static KeyValue Str(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue[] RouteAttributes(string route, int status) =>
    [
        Str("http.request.method", "GET"),
        Str("http.route", route),
        new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = status } },
        Str("url.scheme", "http"),
    ];
}
