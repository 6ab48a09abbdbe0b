using System.Text;
using OtlpGrains.Gateway.Api;
using OtlpGrains.Interfaces;
using Prometheus;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

public sealed class ServiceRedSeriesTests
{
    private static readonly int Buckets = ServiceTotals.LatencyBucketBoundsMs.Count + 1;

    [Fact]
    public async Task TheGrainsTotalsAreServedAsCountersAndAHistogramWithTheSpanmetricsBuckets()
    {
        var registry = Metrics.NewCustomRegistry();
        var series = new ServiceRedSeries(registry);

        // 2 requests of 3 ms (bucket le=0.004) and 1 of 20 s (+Inf).
        series.Update([("checkout", Totals(spans: 5, requests: 3, errors: 1, latency: [(1, 2), (Buckets - 1, 1)], sumMs: 20_006))]);
        var text = await ScrapeAsync(registry);

        Assert.Contains("otlpgrains_service_spans_total{service=\"checkout\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_service_requests_total{service=\"checkout\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_service_errors_total{service=\"checkout\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_service_request_duration_seconds_bucket{service=\"checkout\",le=\"0.002\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_service_request_duration_seconds_bucket{service=\"checkout\",le=\"0.004\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_service_request_duration_seconds_bucket{service=\"checkout\",le=\"15\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_service_request_duration_seconds_bucket{service=\"checkout\",le=\"+Inf\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_service_request_duration_seconds_count{service=\"checkout\"} 3\n", text, StringComparison.Ordinal);
        Assert.Equal(20.006, Sample(text, "otlpgrains_service_request_duration_seconds_sum{service=\"checkout\"}"), 9);
    }

    [Fact]
    public async Task LaterScrapesAddOnlyWhatTheTotalsGained()
    {
        var registry = Metrics.NewCustomRegistry();
        var series = new ServiceRedSeries(registry);

        series.Update([("api", Totals(spans: 2, requests: 2, errors: 0, latency: [(4, 2)], sumMs: 18))]);
        series.Update([("api", Totals(spans: 7, requests: 4, errors: 1, latency: [(4, 3), (5, 1)], sumMs: 60))]);
        var text = await ScrapeAsync(registry);

        Assert.Contains("otlpgrains_service_spans_total{service=\"api\"} 7\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_service_request_duration_seconds_bucket{service=\"api\",le=\"0.01\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_service_request_duration_seconds_bucket{service=\"api\",le=\"0.05\"} 4\n", text, StringComparison.Ordinal);
        Assert.Equal(0.06, Sample(text, "otlpgrains_service_request_duration_seconds_sum{service=\"api\"}"), 9);
    }

    [Fact]
    public async Task TotalsThatWentDownStartTheSeriesAfreshAndServicesNoLongerListedLeave()
    {
        var registry = Metrics.NewCustomRegistry();
        var series = new ServiceRedSeries(registry);

        series.Update([("a", Totals(spans: 10, requests: 10, errors: 0, latency: [(0, 10)], sumMs: 10)), ("b", Totals(spans: 1, requests: 0, errors: 0, latency: [], sumMs: 0))]);
        series.Update([("a", Totals(spans: 3, requests: 3, errors: 0, latency: [(0, 3)], sumMs: 3))]);
        var text = await ScrapeAsync(registry);

        Assert.Contains("otlpgrains_service_spans_total{service=\"a\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_service_request_duration_seconds_count{service=\"a\"} 3\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("service=\"b\"", text, StringComparison.Ordinal);
    }

    private static ServiceTotals Totals(long spans, long requests, long errors, (int Bucket, long Count)[] latency, double sumMs)
    {
        var counts = new long[Buckets];
        foreach (var (bucket, count) in latency)
        {
            counts[bucket] = count;
        }

        return new ServiceTotals(spans, requests, errors, 0, 0, 0, 0, counts, sumMs);
    }

    private static async Task<string> ScrapeAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static double Sample(string text, string series)
    {
        var line = text.Split('\n').Single(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
