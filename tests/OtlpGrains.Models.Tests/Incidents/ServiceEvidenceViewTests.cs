using Microsoft.Extensions.Time.Testing;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Incidents;
using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Models.Tests.Incidents;

/// <summary>
/// A service's evidence for an incident from its own windows: metric series that moved against the baseline's median
/// and spread, and the code paths that changed against what its log lines taught.
/// </summary>
public sealed class ServiceEvidenceViewTests
{
    private const long Second = 1_000_000_000;
    private const long T0 = 1_700_000_000 * Second;
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Fact]
    public void ACpuSeriesThatRoseIsReportedAndASteadyOneIsNot()
    {
        var statistics = Statistics();

        // A minute of baseline a point per 10 s, then a minute of incident: the CPU triples, the memory wobbles.
        var points = new List<MetricPoint>();
        for (int w = 0; w < 12; w++)
        {
            double usage = w < 6 ? 20 + (w % 3) : 61 + (w % 2);
            points.Add(new MetricPoint(0, MetricKind.Gauge, T0 + (w * 10 * Second) + Second, usage, 1));
            points.Add(new MetricPoint(1, MetricKind.Gauge, T0 + (w * 10 * Second) + Second, 500 + (w % 4), 1));
        }

        statistics.AddMetrics(new ServiceMetricBatch(Guid.NewGuid(), ["CpuUsageRate", "MemoryUsage"], [.. points]));

        ServiceEvidence evidence = ServiceEvidenceView.Build("search", statistics, null, Start.AddSeconds(60), Start.AddSeconds(120), Start, Start.AddSeconds(60));

        MetricShift cpu = Assert.Single(evidence.Metrics);
        Assert.Equal("CpuUsageRate", cpu.Name);
        Assert.Equal(61.5, cpu.Mean, 6);
        Assert.Equal(21, cpu.BaselineMedian, 6);
        Assert.True(cpu.Deviation > 3, $"deviation {cpu.Deviation}");
        Assert.Empty(evidence.Paths);
    }

    private static ServiceStatistics Statistics() => new(
        new ServiceWindowOptions { BucketSeconds = 10, RetentionSeconds = 3600, AllowedLatenessSeconds = 300, CloseDelaySeconds = 5, MaxFutureSkewSeconds = 100_000 },
        new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)));
}
