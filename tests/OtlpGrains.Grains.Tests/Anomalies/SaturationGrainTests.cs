using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Grains.Tests.Anomalies;

/// <summary>
/// A service grain fed scrapes of a CPU utilisation from three instances raises a saturation anomaly when one of them
/// reaches its limit: the busiest instance is the service's reading, and the windows close on the metric watermark.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SaturationGrainTests(ClusterFixture fixture)
{
    private const long Second = 1_000_000_000;
    private const string Cpu = "container.cpu.utilization";

    [Fact]
    public async Task OneInstanceAtItsCpuLimitMakesTheServiceSaturated()
    {
        var service = fixture.Grains.GetGrain<IServiceGrain>($"saturating-{Guid.NewGuid():N}");
        long origin = (DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeSeconds() / 60 * 60) * Second;

        // A scrape a minute: three instances at about 10%, then the second one pinned at 93% for two scrapes.
        for (int scrape = 0; scrape < 14; scrape++)
        {
            long at = origin + (scrape * 60 * Second) + (5 * Second);
            double busiest = scrape >= 12 ? 0.93 : 0.12;
            await service.IngestMetricsAsync(new ServiceMetricBatch(Guid.NewGuid(), [Cpu],
                [new(0, MetricKind.Gauge, at, 0.1, 1), new(0, MetricKind.Gauge, at, busiest, 1), new(0, MetricKind.Gauge, at, 0.08, 1)]));
        }

        AnomalyEvent[] anomalies = await ClusterFixture.EventuallyAsync(() => service.GetAnomaliesAsync(null).AsTask(), a => a.Length > 0);

        AnomalyEvent first = anomalies.MinBy(a => a.WindowStart)!;
        Assert.Equal(("metrics", "saturation " + Cpu, 0.93, "critical"), (first.Signal, first.Signals[0], first.Score, first.Severity));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds((origin + (12 * 60 * Second)) / 1_000_000), first.WindowStart);
    }
}
