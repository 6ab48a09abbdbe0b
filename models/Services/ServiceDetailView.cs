using OtlpGrains.Interfaces;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>
/// One service over a range: span totals, series and operations from the span windows, edges from the edge windows,
/// logs and metrics from theirs. Each signal's range is bounded by its own retention.
/// </summary>
internal static class ServiceDetailView
{
    /// <summary>Request traces a detail lists, the newest.</summary>
    public const int MaxTraces = 20;

    public static ServiceDetail Build(
        string name,
        DateTimeOffset? from,
        DateTimeOffset? to,
        ServiceStatisticsParts parts)
    {
        long fromNanos = UnixNanos.FromOptional(from, long.MinValue);
        long toNanos = UnixNanos.FromOptional(to, long.MaxValue);

        long spans = 0;
        long requests = 0;
        long errors = 0;
        var latency = new LatencyHistogram();
        var series = new List<WindowPoint>();
        var operations = new OperationWindow?[parts.Spans.Operations.Count];
        var traces = new List<RequestTrace>();
        foreach (TimeWindow<SpanWindow> timeWindow in parts.Spans.Windows.Windows.Range(fromNanos, toNanos))
        {
            SpanWindow window = timeWindow.Bucket;
            spans += window.Spans;
            requests += window.Requests;
            errors += window.Errors;
            latency.Merge(window.RequestLatency);
            if (window.Spans > 0)
            {
                LatencySummary point = window.RequestLatency.Summary();
                series.Add(new WindowPoint(
                    timeWindow.Start, timeWindow.End, window.Requests, window.Errors, point.P50, point.P95, point.P99));
            }

            foreach ((int id, OperationWindow operation) in window.Operations)
            {
                (operations[id] ??= new OperationWindow()).Merge(operation);
            }

            traces.AddRange(window.Traces(parts.Spans.Operations));
        }

        return new ServiceDetail(
            name,
            from,
            to,
            spans,
            requests,
            errors,
            latency.Summary(),
            [.. series],
            OperationsOf(parts.Spans, operations),
            DownstreamView.Build(name, parts.Edges, fromNanos, toNanos),
            LogsOf(parts.Logs, fromNanos, toNanos),
            MetricsOf(parts.Metrics, fromNanos, toNanos),
            parts.Counters.ToTotals())
        {
            Traces = [.. traces.OrderByDescending(t => t.End).Take(MaxTraces)],
        };
    }

    private static OperationStats[] OperationsOf(SpanSignal spans, OperationWindow?[] operations)
    {
        var result = new List<OperationStats>();
        for (int id = 0; id < operations.Length; id++)
        {
            if (operations[id] is { } operation)
            {
                result.Add(new OperationStats(
                    spans.Operations.NameOf(id), operation.Spans, operation.Requests, operation.Errors, operation.Latency.Summary()));
            }
        }

        result.Sort(static (a, b) =>
        {
            int order = b.Requests.CompareTo(a.Requests);
            order = order != 0 ? order : b.Spans.CompareTo(a.Spans);
            return order != 0 ? order : string.CompareOrdinal(a.Name, b.Name);
        });
        return [.. result];
    }

    private static LogSummary LogsOf(LogSignal logs, long fromNanos, long toNanos)
    {
        var counts = new long[LogSeverity.Names.Count];
        foreach (TimeWindow<LogWindow> window in logs.Windows.Windows.Range(fromNanos, toNanos))
        {
            for (int i = 0; i < counts.Length; i++)
            {
                counts[i] += window.Bucket.BySeverity[i];
            }
        }

        // Severities in OTLP order, UNSPECIFIED last, all present so that the JSON shape is stable.
        var bySeverity = new Dictionary<string, long>(counts.Length, StringComparer.Ordinal);
        long total = 0;
        for (int i = 1; i <= counts.Length; i++)
        {
            int index = i % counts.Length;
            bySeverity[LogSeverity.Names[index]] = counts[index];
            total += counts[index];
        }

        return new LogSummary(total, bySeverity);
    }

    private static MetricSeries[] MetricsOf(MetricSignal metrics, long fromNanos, long toNanos)
    {
        var points = new List<MetricWindow>?[metrics.Series.Count];
        foreach (TimeWindow<MetricWindowSet> window in metrics.Windows.Windows.Range(fromNanos, toNanos))
        {
            foreach ((int id, MetricWindowState state) in window.Bucket.Series)
            {
                (points[id] ??= []).Add(state.ToWindow(window.Start, window.End));
            }
        }

        // Series without points in the range are left out; ordered by name for a stable output.
        var result = new List<MetricSeries>();
        for (int id = 0; id < points.Length; id++)
        {
            if (points[id] is { } windows)
            {
                result.Add(new MetricSeries(metrics.Series.NameOf(id), metrics.KindOf(id), [.. windows]));
            }
        }

        result.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return [.. result];
    }
}
