using System.Text;
using OtlpGrains.Gateway.Api;
using OtlpGrains.Interfaces;
using Prometheus;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

public sealed class DetectionSeriesTests
{
    [Fact]
    public async Task EachServicesVerdictIsServedAsAScoreAndASeverity()
    {
        var registry = Metrics.NewCustomRegistry();
        var series = new DetectionSeries(registry);

        series.Update([("checkout", Verdict(0.97, "critical")), ("cart", Verdict(0.7, "warning")), ("web", AnomalyStatus.Initial)]);
        series.OpenIncidents(2);
        var text = await ScrapeAsync(registry);

        Assert.Contains("otlpgrains_service_anomaly_score{service=\"checkout\"} 0.97\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_service_anomaly_severity{service=\"checkout\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_service_anomaly_severity{service=\"cart\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_service_anomaly_score{service=\"web\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_service_anomaly_severity{service=\"web\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_incidents_open 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVerdictFollowsTheLatestWindowAndServicesNoLongerListedLeave()
    {
        var registry = Metrics.NewCustomRegistry();
        var series = new DetectionSeries(registry);

        series.Update([("checkout", Verdict(0.97, "critical")), ("cart", Verdict(0.7, "warning"))]);
        series.Update([("checkout", Verdict(0.1, "ok"))]);
        series.OpenIncidents(1);
        series.OpenIncidents(0);
        var text = await ScrapeAsync(registry);

        Assert.Contains("otlpgrains_service_anomaly_severity{service=\"checkout\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_service_anomaly_score{service=\"checkout\"} 0.1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("service=\"cart\"", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_incidents_open 0\n", text, StringComparison.Ordinal);
    }

    private static AnomalyStatus Verdict(double score, string status) => new(score, status, AnomalyModelRef.Builtin);

    private static async Task<string> ScrapeAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
