using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Oracle;

// The gateway's code before the protobuf wire reader (#11), on Google.Protobuf's message tree: kept unchanged as
// the oracle that the reader's plans are compared with.
/// <summary>
/// Reduces a metrics export request to one batch of named points per service. Gauges and sums keep their value;
/// histograms, exponential histograms and summaries keep their sum and count.
/// </summary>
internal static class MetricRequestSplitter
{
    public static SignalIngestPlan<ServiceMetricBatch> Split(ExportMetricsServiceRequest request, Guid batchId)
    {
        var services = new Dictionary<string, Builder>(StringComparer.Ordinal);
        int accepted = 0, rejected = 0;
        string? reason = null;
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var service = ServiceIdentity.Of(resourceMetrics.Resource?.Attributes);
            foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
            {
                foreach (var metric in scopeMetrics.Metrics)
                {
                    var points = PointCount(metric);
                    if (string.IsNullOrEmpty(metric.Name))
                    {
                        rejected += points;
                        reason ??= "metric name must not be empty";
                        continue;
                    }

                    if (points == 0)
                    {
                        continue;
                    }

                    if (!services.TryGetValue(service, out var builder))
                    {
                        builder = new Builder();
                        services.Add(service, builder);
                    }

                    accepted += builder.Add(metric);
                }
            }
        }

        var batches = new KeyValuePair<string, ServiceMetricBatch>[services.Count];
        var i = 0;
        foreach (var (name, builder) in services)
        {
            batches[i++] = new(name, new ServiceMetricBatch(batchId, [.. builder.Names], [.. builder.Points]));
        }

        return new SignalIngestPlan<ServiceMetricBatch>(batches, accepted, rejected, reason);
    }

    private static int PointCount(Metric metric) => metric.DataCase switch
    {
        Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Count,
        Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Count,
        Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Count,
        Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.DataPoints.Count,
        Metric.DataOneofCase.Summary => metric.Summary.DataPoints.Count,
        _ => 0,
    };

    private sealed class Builder
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

        public List<string> Names { get; } = [];

        public List<MetricPoint> Points { get; } = [];

        public int Add(Metric metric)
        {
            if (!_index.TryGetValue(metric.Name, out var name))
            {
                name = Names.Count;
                _index.Add(metric.Name, name);
                Names.Add(metric.Name);
            }

            var before = Points.Count;
            switch (metric.DataCase)
            {
                case Metric.DataOneofCase.Gauge:
                    AddNumbers(name, MetricKind.Gauge, metric.Gauge.DataPoints);
                    break;
                case Metric.DataOneofCase.Sum:
                    AddNumbers(name, MetricKind.Sum, metric.Sum.DataPoints);
                    break;
                case Metric.DataOneofCase.Histogram:
                    foreach (var point in metric.Histogram.DataPoints)
                    {
                        Points.Add(new MetricPoint(name, MetricKind.Histogram, (long)point.TimeUnixNano, point.HasSum ? point.Sum : 0, (long)point.Count));
                    }

                    break;
                case Metric.DataOneofCase.ExponentialHistogram:
                    foreach (var point in metric.ExponentialHistogram.DataPoints)
                    {
                        Points.Add(new MetricPoint(name, MetricKind.ExponentialHistogram, (long)point.TimeUnixNano, point.HasSum ? point.Sum : 0, (long)point.Count));
                    }

                    break;
                case Metric.DataOneofCase.Summary:
                    foreach (var point in metric.Summary.DataPoints)
                    {
                        Points.Add(new MetricPoint(name, MetricKind.Summary, (long)point.TimeUnixNano, point.Sum, (long)point.Count));
                    }

                    break;
            }

            return Points.Count - before;
        }

        private void AddNumbers(int name, MetricKind kind, IEnumerable<NumberDataPoint> points)
        {
            foreach (var point in points)
            {
                var value = point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;
                Points.Add(new MetricPoint(name, kind, (long)point.TimeUnixNano, value, 1));
            }
        }
    }
}
