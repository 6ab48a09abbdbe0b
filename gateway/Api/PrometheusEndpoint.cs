using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Api;

/// <summary>
/// <c>/metrics</c> in the Prometheus text format: per-service RED (span, request and error counters and a request
/// duration histogram with the spanmetrics buckets) and the gateway's self-metrics.
/// </summary>
internal static class PrometheusEndpoint
{
    public static async Task<IResult> RenderAsync(ServiceDirectory directory, GatewayInstruments instruments, ModelApiInstruments models)
    {
        var totals = await directory.TotalsAsync();
        var text = new StringBuilder(4096);
        Counter(text, "otlpgrains_service_spans_total", "Spans received per service.", totals, t => t.Spans);
        Counter(text, "otlpgrains_service_requests_total", "Requests (SERVER/CONSUMER and root spans) per service.", totals, t => t.Requests);
        Counter(text, "otlpgrains_service_errors_total", "Failed requests per service.", totals, t => t.Errors);
        Counter(text, "otlpgrains_service_late_spans_total", "Spans too late (or too far ahead) for the windows; still in the totals.", totals, t => t.LateSpans);
        Counter(text, "otlpgrains_service_logs_total", "Log records received per service.", totals, t => t.Logs);
        Counter(text, "otlpgrains_service_metric_points_total", "Metric data points received per service.", totals, t => t.MetricPoints);
        Histogram(text, totals);
        instruments.WriteTo(text);
        models.WriteTo(text);
        return Results.Text(text.ToString(), "text/plain; version=0.0.4; charset=utf-8");
    }

    private static void Counter(StringBuilder text, string name, string help, (string Name, ServiceTotals Totals)[] totals, Func<ServiceTotals, long> value)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n");
        foreach (var (service, t) in totals)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}{{service=\"{Escape(service)}\"}} {value(t)}\n");
        }
    }

    private static void Histogram(StringBuilder text, (string Name, ServiceTotals Totals)[] totals)
    {
        const string Name = "otlpgrains_service_request_duration_seconds";
        text.Append(CultureInfo.InvariantCulture, $"# HELP {Name} Request latency per service.\n# TYPE {Name} histogram\n");
        var bounds = ServiceTotals.LatencyBucketBoundsMs;
        foreach (var (service, t) in totals)
        {
            var label = Escape(service);
            long cumulative = 0;
            for (var i = 0; i < bounds.Count; i++)
            {
                cumulative += i < t.LatencyBucketCounts.Length ? t.LatencyBucketCounts[i] : 0;
                text.Append(CultureInfo.InvariantCulture, $"{Name}_bucket{{service=\"{label}\",le=\"{bounds[i] / 1000}\"}} {cumulative}\n");
            }

            var count = t.LatencyBucketCounts.Sum();
            text.Append(CultureInfo.InvariantCulture, $"{Name}_bucket{{service=\"{label}\",le=\"+Inf\"}} {count}\n");
            text.Append(CultureInfo.InvariantCulture, $"{Name}_sum{{service=\"{label}\"}} {t.LatencySumMs / 1000}\n");
            text.Append(CultureInfo.InvariantCulture, $"{Name}_count{{service=\"{label}\"}} {count}\n");
        }
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
