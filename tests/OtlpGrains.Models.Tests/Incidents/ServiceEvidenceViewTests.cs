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

    [Theory]
    [InlineData(1, 0, false)] // a line of a template never seen before: could be chance
    [InlineData(2, 0, true)]
    [InlineData(1, 12, false)] // the incident's one line of a template logged 12 times in the baseline's ten minutes
    [InlineData(3, 12, false)]
    [InlineData(4, 12, true)]
    public void AnErrorTemplateSurgesOnlyBeyondChanceAtItsBaselineRate(int incidentLines, int baselineLines, bool reported)
    {
        var statistics = Statistics();
        var lines = new List<LogLine>();
        for (int i = 0; i < baselineLines; i++)
        {
            lines.Add(Error(T0 + ((10 + (i * 45)) * Second), i));
        }

        for (int i = 0; i < incidentLines; i++)
        {
            lines.Add(Error(T0 + ((601 + (i * 5)) * Second), 100 + i));
        }

        // Something else logged all along, so that both ranges have lines.
        for (int t = 5; t < 630; t += 30)
        {
            lines.Add(new LogLine(T0 + (t * Second), 9) { Body = $"Served request {t}" });
        }

        statistics.AddLogs(new ServiceLogBatch(Guid.NewGuid(), [.. lines.OrderBy(l => l.TimeUnixNano)]));

        ServiceEvidence evidence = ServiceEvidenceView.Build("orders", statistics, null, Start.AddSeconds(600), Start.AddSeconds(630), Start, Start.AddSeconds(600));

        Assert.Equal(reported, evidence.Templates.Any(t => t.Template.Contains("is locked", StringComparison.Ordinal)));
    }

    private static LogLine Error(long time, int record) =>
        new(time, 17) { Body = $"Request Handle failed: java.lang.IllegalStateException: record {record} is locked" };

    private static ServiceStatistics Statistics() => new(
        new ServiceWindowOptions { BucketSeconds = 10, RetentionSeconds = 3600, AllowedLatenessSeconds = 300, CloseDelaySeconds = 5, MaxFutureSkewSeconds = 100_000 },
        new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)));
}
