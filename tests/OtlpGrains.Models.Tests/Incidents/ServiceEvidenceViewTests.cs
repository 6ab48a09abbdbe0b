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
    private const long Millisecond = 1_000_000;
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

    [Fact]
    public void TheIncidentRangesLastFailedRequestAndItsSlowestNameTheirTraces()
    {
        var statistics = Statistics();
        TraceKey before = new(9, 9), failed = new(1, 1), slow = new(2, 2), earlierFailure = new(3, 3);
        TraceExemplar[] exemplars =
        [
            new(before, T0 + (30 * Second), 900 * Millisecond, 0, true), // the baseline's: not the incident's
            new(earlierFailure, T0 + (61 * Second), 2 * Millisecond, 0, true),
            new(slow, T0 + (75 * Second), 300 * Millisecond, 0, false),
            new(failed, T0 + (95 * Second), 4 * Millisecond, 0, true),
        ];
        statistics.AddSpans(new ServiceSpanBatch(
            Guid.NewGuid(),
            ["GET /pay"],
            [.. exemplars.Select(e => new ServiceSpan(e.EndUnixNano, e.DurationNanos, 0, SpanKindCode.Server, e.Failed ? SpanRole.Request | SpanRole.Error : SpanRole.Request))])
        {
            Exemplars = [.. exemplars.Select((e, i) => e with { SpanIndex = i })],
        });

        ServiceEvidence evidence = ServiceEvidenceView.Build("pay", statistics, null, Start.AddSeconds(60), Start.AddSeconds(120), Start, Start.AddSeconds(60));

        Assert.Equal([(failed.ToString(), true), (slow.ToString(), false)], evidence.Traces.Select(t => (t.TraceId, t.Failed)));
        Assert.All(evidence.Traces, t => Assert.Equal("GET /pay", t.Operation));

        // Each becomes a trace item of the cause, linked by its id and adding nothing to the score.
        var items = new List<Evidence>();
        Assert.Equal(0, Shifts.Describe(evidence with { Requests = new ShiftStats(10, 0, 5, 10, 0, 5) }, items));
        Assert.Equal([failed.ToString(), slow.ToString()], items.Where(e => e.Kind == "trace").Select(e => e.TraceId));
        Assert.StartsWith("trace of a failed request: GET /pay, 4 ms", items[0].Summary, StringComparison.Ordinal);
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
