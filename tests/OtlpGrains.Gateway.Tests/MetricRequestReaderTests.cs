using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Interfaces;
using Xunit;
using static OtlpGrains.Gateway.Tests.TraceRequests;

namespace OtlpGrains.Gateway.Tests;

public sealed class MetricRequestReaderTests
{
    private const ulong Time = 1_700_000_000_000_000_000UL;

    private static readonly Guid BatchId = new("5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d");

    [Fact]
    public void EachKindKeepsItsValueOrItsSumAndCount()
    {
        var request = Request("svc",
            Gauge("cpu", new NumberDataPoint { TimeUnixNano = Time, AsDouble = 0.25 }),
            SumOf("requests", new NumberDataPoint { TimeUnixNano = Time + 1, AsInt = 7 }),
            new Metric
            {
                Name = "latency",
                Histogram = new Histogram
                {
                    DataPoints =
                    {
                        new HistogramDataPoint { TimeUnixNano = Time + 2, Sum = 99.5, Count = 4 },
                        new HistogramDataPoint { TimeUnixNano = Time + 3, Count = 2 },
                    },
                },
            },
            new Metric
            {
                Name = "size",
                ExponentialHistogram = new ExponentialHistogram { DataPoints = { new ExponentialHistogramDataPoint { TimeUnixNano = Time + 4, Sum = 5, Count = 10 } } },
            },
            new Metric
            {
                Name = "gc",
                Summary = new Summary { DataPoints = { new SummaryDataPoint { TimeUnixNano = Time + 5, Sum = 6, Count = 3 } } },
            });

        var plan = Plans.Metrics(request, BatchId);

        Assert.Equal(6, plan.Accepted);
        Assert.Equal(0, plan.Rejected);
        Assert.Null(plan.RejectReason);
        var (service, batch) = Assert.Single(plan.Services);
        Assert.Equal("svc", service);
        Assert.Equal(BatchId, batch.BatchId);
        Assert.Equal(["cpu", "requests", "latency", "size", "gc"], batch.Names);
        Assert.Equal(
            [
                new MetricPoint(0, MetricKind.Gauge, (long)Time, 0.25, 1),
                new MetricPoint(1, MetricKind.Sum, (long)Time + 1, 7, 1),
                new MetricPoint(2, MetricKind.Histogram, (long)Time + 2, 99.5, 4),
                new MetricPoint(2, MetricKind.Histogram, (long)Time + 3, 0, 2),
                new MetricPoint(3, MetricKind.ExponentialHistogram, (long)Time + 4, 5, 10),
                new MetricPoint(4, MetricKind.Summary, (long)Time + 5, 6, 3),
            ],
            batch.Points);
    }

    [Fact]
    public void NamesAreWrittenOncePerServiceAndServicesAreSeparate()
    {
        var request = new ExportMetricsServiceRequest
        {
            ResourceMetrics =
            {
                Resource("a", Gauge("cpu", Point(1)), Gauge("mem", Point(2))),
                Resource("b", Gauge("cpu", Point(3))),
                Resource("a", Gauge("cpu", Point(4), Point(5))),
            },
        };

        var plan = Plans.Metrics(request, BatchId);

        Assert.Equal(5, plan.Accepted);
        Assert.Equal(["a", "b"], plan.Services.Select(s => s.Key).Order(StringComparer.Ordinal));
        var a = plan.Services.Single(s => s.Key == "a").Value;
        Assert.Equal(["cpu", "mem"], a.Names);
        Assert.Equal([1.0, 2.0, 4.0, 5.0], a.Points.Select(p => p.Value));
        Assert.Equal(["cpu", "mem", "cpu", "cpu"], a.Points.Select(p => a.Names[p.Name]));
        var b = plan.Services.Single(s => s.Key == "b").Value;
        Assert.Equal(["cpu"], b.Names);
        Assert.Equal(3.0, Assert.Single(b.Points).Value);
    }

    [Fact]
    public void EmptyMetricNameRejectsItsPoints()
    {
        var request = Request("svc",
            Gauge("", Point(1), Point(2)),
            Gauge("ok", Point(3)),
            new Metric { Name = "", Histogram = new Histogram { DataPoints = { new HistogramDataPoint { Count = 1 } } } });

        var plan = Plans.Metrics(request, BatchId);

        Assert.Equal(1, plan.Accepted);
        Assert.Equal(3, plan.Rejected);
        Assert.Equal("metric name must not be empty", plan.RejectReason);
        var batch = Assert.Single(plan.Services).Value;
        Assert.Equal(["ok"], batch.Names);
        Assert.Equal(3.0, Assert.Single(batch.Points).Value);
    }

    [Fact]
    public void AllNamesEmptyLeavesNoBatches()
    {
        var plan = Plans.Metrics(Request("svc", Gauge("", Point(1))), BatchId);

        Assert.Equal(0, plan.Accepted);
        Assert.Equal(1, plan.Rejected);
        Assert.Empty(plan.Services);
    }

    [Fact]
    public void MetricsWithoutPointsAreNeitherAcceptedNorRejected()
    {
        var plan = Plans.Metrics(Request("svc", new Metric { Name = "no data" }, Gauge("empty gauge")), BatchId);

        Assert.Equal(0, plan.Accepted);
        Assert.Equal(0, plan.Rejected);
        Assert.Null(plan.RejectReason);
        Assert.Empty(plan.Services);
    }

    private static NumberDataPoint Point(double value) => new() { TimeUnixNano = Time, AsDouble = value };

    private static Metric Gauge(string name, params NumberDataPoint[] points) => new() { Name = name, Gauge = new Gauge { DataPoints = { points } } };

    private static Metric SumOf(string name, params NumberDataPoint[] points) => new()
    {
        Name = name,
        Sum = new Sum { AggregationTemporality = AggregationTemporality.Cumulative, IsMonotonic = true, DataPoints = { points } },
    };

    private static ResourceMetrics Resource(string service, params Metric[] metrics) => new()
    {
        Resource = Service(service),
        ScopeMetrics = { new ScopeMetrics { Metrics = { metrics } } },
    };

    private static ExportMetricsServiceRequest Request(string service, params Metric[] metrics) => new() { ResourceMetrics = { Resource(service, metrics) } };
}
