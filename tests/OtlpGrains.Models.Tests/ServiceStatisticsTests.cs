using Microsoft.Extensions.Time.Testing;
using OtlpGrains.Models.Services;
using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Models.Tests;

public sealed class ServiceStatisticsTests
{
    private const long Second = 1_000_000_000;
    private const long Ms = 1_000_000;
    private const long T0 = 1_700_000_000 * Second;
    private const string Name = "shop/checkout";

    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private readonly FakeTimeProvider _time = new(Start.AddSeconds(1_000));

    [Fact]
    public void HandMadeSpanBatchGivesExactTotalsWindowsAndOperations()
    {
        ServiceStatistics statistics = Create();

        statistics.AddSpans(HandMadeBatch());

        ServiceTotals totals = statistics.Totals;
        Assert.Equal(5, totals.Spans);
        Assert.Equal(4, totals.Requests);
        Assert.Equal(1, totals.Errors);
        Assert.Equal(0, totals.LateSpans);
        Assert.Equal(65, totals.LatencySumMs, 9);

        // 5 ms <= 6, 10 ms <= 10 (bounds are inclusive), 20 and 30 ms <= 50.
        Assert.Equal([0, 0, 1, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], totals.LatencyBucketCounts);

        ServiceDetail detail = statistics.Detail(Name, null, null);
        Assert.Equal(Name, detail.Name);
        Assert.Equal(5, detail.Spans);
        Assert.Equal(4, detail.Requests);
        Assert.Equal(1, detail.Errors);
        Assert.Equal(
            [(Start, 3L, 1L), (Start.AddSeconds(10), 1L, 0L)],
            detail.Series.Select(p => (p.Start, p.Requests, p.Errors)));
        Assert.Equal(Start.AddSeconds(10), detail.Series[0].End);
        Assert.Equal(30, detail.Series[1].P99, 0.3);

        Assert.Equal(
            [("GET /a", 3L, 3L, 1L), ("GET /b", 1L, 1L, 0L), (ServiceStatistics.OtherOperation, 1L, 0L, 0L)],
            detail.Operations.Select(o => (o.Name, o.Spans, o.Requests, o.Errors)));
        Assert.Equal(30, detail.Operations[0].LatencyMs.P99, 0.3);
        Assert.Equal(20, detail.Operations[0].LatencyMs.P50, 0.2);
    }

    [Fact]
    public void OperationsBeyondTheLimitCountUnderOther()
    {
        ServiceStatistics statistics = Create();
        statistics.AddSpans(HandMadeBatch());

        // Known names keep their own entry; every further name, in any batch, folds into "other".
        statistics.AddSpans(new ServiceSpanBatch(
            Guid.NewGuid(),
            ["queue", "GET /b", "cache"],
            [
                Span(T0 + (14 * Second), 1 * Ms, 0, SpanRole.Request),
                Span(T0 + (14 * Second), 1 * Ms, 1, SpanRole.Request),
                Span(T0 + (14 * Second), 1 * Ms, 2, SpanRole.None),
            ]));

        OperationStats[] operations = statistics.Detail(Name, null, null).Operations;

        Assert.Equal(["GET /a", "GET /b", ServiceStatistics.OtherOperation], operations.Select(o => o.Name));
        Assert.Equal(2, operations.Single(o => o.Name == "GET /b").Requests);
        OperationStats other = operations.Single(o => o.Name == ServiceStatistics.OtherOperation);
        Assert.Equal(3, other.Spans);
        Assert.Equal(1, other.Requests);
        Assert.NotNull(statistics.OperationP99(ServiceStatistics.OtherOperation));
        Assert.Null(statistics.OperationP99("queue"));
        Assert.Equal(3, statistics.Drops.OtherOperationSpans); // db, queue and cache: the names beyond the limit

        // A span naming an operation its batch does not carry folds too, but is no name beyond the limit.
        statistics.AddSpans(new ServiceSpanBatch(Guid.NewGuid(), ["GET /a"], [Span(T0 + (15 * Second), 1 * Ms, 7, SpanRole.None)]));
        Assert.Equal(4, statistics.Detail(Name, null, null).Operations.Single(o => o.Name == ServiceStatistics.OtherOperation).Spans);
        Assert.Equal(3, statistics.Drops.OtherOperationSpans);
    }

    [Fact]
    public void EdgesCountPerCalleeAndRefuseCalleesBeyondTheLimit()
    {
        ServiceStatistics statistics = Create();
        statistics.AddSpans(HandMadeBatch());

        statistics.AddEdgeCalls(
        [
            new EdgeCall("postgres", true, T0 + (2 * Second), 4 * Ms, false),
            new EdgeCall("postgres", true, T0 + (3 * Second), 8 * Ms, true),
            new EdgeCall("payments", false, T0 + (4 * Second), 50 * Ms, false),
        ]);
        statistics.AddEdgeCalls([new EdgeCall("postgres", true, T0 + (12 * Second), 6 * Ms, false)]);

        EdgeStats edge = Assert.Single(statistics.Downstream(Name));
        Assert.Equal(Name, edge.Client);
        Assert.Equal("postgres", edge.Server);
        Assert.True(edge.Virtual);
        Assert.Equal(3, edge.Calls);
        Assert.Equal(1, edge.Errors);
        Assert.Equal(8, edge.LatencyMs.P99, 0.08);
        Assert.Equal(1, statistics.RefusedEdgeCalls);

        // Detail keeps totals since first seen but latency over the asked range only.
        EdgeStats ranged = Assert.Single(statistics.Detail(Name, Start.AddSeconds(10), Start.AddSeconds(20)).Downstream);
        Assert.Equal(3, ranged.Calls);
        Assert.Equal(6, ranged.LatencyMs.P99, 0.06);
    }

    [Fact]
    public void LogsAreCountedBySeverityName()
    {
        ServiceStatistics statistics = Create();
        byte[] severities = [1, 4, 5, 9, 12, 13, 17, 21, 24, 0, 30];

        statistics.AddLogs(new ServiceLogBatch(
            Guid.NewGuid(),
            [.. severities.Select(s => new LogLine(T0 + (5 * Second), s))]));

        LogSummary logs = statistics.Detail(Name, null, null).Logs;
        Assert.Equal(11, logs.Total);
        Assert.Equal(
            [("TRACE", 2L), ("DEBUG", 1L), ("INFO", 2L), ("WARN", 1L), ("ERROR", 1L), ("FATAL", 2L), ("UNSPECIFIED", 2L)],
            logs.BySeverity.Select(p => (p.Key, p.Value)));
        Assert.Equal(11, statistics.Totals.Logs);
    }

    [Fact]
    public void LateLogsCountInTotalsOnly()
    {
        ServiceStatistics statistics = Create();
        statistics.AddLogs(new ServiceLogBatch(Guid.NewGuid(), [new LogLine(T0 + (50 * Second), 9)]));

        statistics.AddLogs(new ServiceLogBatch(Guid.NewGuid(), [new LogLine(T0 + (5 * Second), 17)]));

        Assert.Equal(2, statistics.Totals.Logs);
        LogSummary logs = statistics.Detail(Name, null, null).Logs;
        Assert.Equal(1, logs.Total);
        Assert.Equal(0, logs.BySeverity["ERROR"]);
    }

    [Fact]
    public void MetricWindowsKeepCountSumMinMaxAndLastByTime()
    {
        ServiceStatistics statistics = Create();

        statistics.AddMetrics(new ServiceMetricBatch(
            Guid.NewGuid(),
            ["cpu", "mem"],
            [
                new MetricPoint(0, MetricKind.Gauge, T0 + (1 * Second), 0.5, 1),
                new MetricPoint(1, MetricKind.Sum, T0 + (1 * Second), 100, 1),
                new MetricPoint(0, MetricKind.Gauge, T0 + (3 * Second), 0.9, 1),
                new MetricPoint(0, MetricKind.Gauge, T0 + (2 * Second), 0.1, 1),
                new MetricPoint(0, MetricKind.Gauge, T0 + (11 * Second), 0.3, 1),
                new MetricPoint(1, MetricKind.Sum, T0 + (11 * Second), 200, 1),
            ]));

        MetricSeries series = Assert.Single(statistics.Detail(Name, null, null).Metrics);
        Assert.Equal("cpu", series.Name);
        Assert.Equal(MetricKind.Gauge, series.Type);
        Assert.Equal(2, series.Points.Length);
        MetricWindow first = series.Points[0];
        Assert.Equal(
            (Start, Start.AddSeconds(10), 3L, 3L, 0.1, 0.9, 0.9),
            (first.Start, first.End, first.Points, first.Count, first.Min, first.Max, first.Last));
        Assert.Equal(1.5, first.Sum, 9);
        Assert.Equal(new MetricWindow(Start.AddSeconds(10), Start.AddSeconds(20), 1, 1, 0.3, 0.3, 0.3, 0.3), series.Points[1]);

        ServiceTotals totals = statistics.Totals;
        Assert.Equal(6, totals.MetricPoints);
        Assert.Equal(2, totals.RefusedMetricPoints);
    }

    [Fact]
    public void HistogramMetricPointsAddTheirCounts()
    {
        ServiceStatistics statistics = Create();

        statistics.AddMetrics(new ServiceMetricBatch(
            Guid.NewGuid(),
            ["http.server.duration"],
            [
                new MetricPoint(0, MetricKind.Histogram, T0 + (1 * Second), 120, 40),
                new MetricPoint(0, MetricKind.Histogram, T0 + (2 * Second), 30, 10),
            ]));

        MetricSeries series = Assert.Single(statistics.Detail(Name, null, null).Metrics);
        Assert.Equal(MetricKind.Histogram, series.Type);
        MetricWindow window = Assert.Single(series.Points);
        Assert.Equal((2L, 50L, 150.0, 30.0), (window.Points, window.Count, window.Sum, window.Last));
    }

    [Fact]
    public void LateAndFutureSpansCountInTotalsButNotInWindows()
    {
        ServiceStatistics statistics = Create();
        statistics.AddSpans(new ServiceSpanBatch(Guid.NewGuid(), ["GET /a"], [Span(T0 + (60 * Second), 10 * Ms, 0, SpanRole.Request)]));

        statistics.AddSpans(new ServiceSpanBatch(
            Guid.NewGuid(),
            ["GET /a"],
            [
                Span(T0 + (5 * Second), 10 * Ms, 0, SpanRole.Request | SpanRole.Error), // 55 s late, lateness is 20 s
                Span(T0 + (1_031 * Second), 10 * Ms, 0, SpanRole.Request), // 31 s ahead of the clock, skew is 30 s
            ]));

        ServiceTotals totals = statistics.Totals;
        Assert.Equal(3, totals.Spans);
        Assert.Equal(3, totals.Requests);
        Assert.Equal(1, totals.Errors);
        Assert.Equal(2, totals.LateSpans);
        Assert.Equal(3, totals.LatencyBucketCounts[4]);

        ServiceDetail detail = statistics.Detail(Name, null, null);
        Assert.Equal(1, detail.Requests);
        Assert.Equal(0, detail.Errors);
        Assert.Equal(Start.AddSeconds(60), Assert.Single(detail.Series).Start);
        Assert.Equal(Start.AddSeconds(60), statistics.Summary(Name).LastSeen);
    }

    [Fact]
    public void SummaryIsOverTheLastCompleteWindow()
    {
        ServiceStatistics statistics = Create();
        statistics.AddSpans(HandMadeBatch());

        ServiceSummary summary = statistics.Summary(Name);

        Assert.Equal(Name, summary.Name);
        Assert.Equal((5L, 4L, 1L), (summary.Spans, summary.Requests, summary.Errors));

        // The watermark (T0+12 s) is in [T0+10, T0+20), so [T0, T0+10) is the last complete window: 3 requests.
        Assert.Equal(Start, summary.WindowStart);
        Assert.Equal(Start.AddSeconds(10), summary.WindowEnd);
        Assert.Equal(0.3, summary.Rate, 12);
        Assert.Equal(1.0 / 3, summary.ErrorRatio, 12);
        Assert.Equal(10, summary.LatencyMs.P50, 0.1);
        Assert.Equal(20, summary.LatencyMs.P99, 0.2);
        Assert.Equal(Start.AddSeconds(12), summary.LastSeen);
    }

    [Fact]
    public void SummaryOfAnEmptyLastWindowHasZeroRateAndRatio()
    {
        ServiceStatistics statistics = Create();
        // The internal span at T0+25 s moves the span watermark; [T0+10, T0+20) saw no span.
        statistics.AddSpans(new ServiceSpanBatch(Guid.NewGuid(), ["GET /a"], [Span(T0 + (5 * Second), Ms, 0, SpanRole.Request)]));
        statistics.AddSpans(new ServiceSpanBatch(Guid.NewGuid(), ["work"], [Span(T0 + (25 * Second), Ms, 0, SpanRole.None)]));

        ServiceSummary summary = statistics.Summary(Name);

        Assert.Equal(Start.AddSeconds(10), summary.WindowStart);
        Assert.Equal((0.0, 0.0), (summary.Rate, summary.ErrorRatio));
        Assert.Equal(LatencySummary.Empty, summary.LatencyMs);
        Assert.Equal(1, summary.Requests);
    }

    [Fact]
    public void NothingSeenGivesAnEmptySummary()
    {
        ServiceSummary summary = Create().Summary(Name);

        Assert.Equal(new ServiceSummary(Name, 0, 0, 0, 0, 0, LatencySummary.Empty, null, null, null), summary);
    }

    [Fact]
    public void DetailKeepsOnlyWindowsOverlappingTheRange()
    {
        ServiceStatistics statistics = Create();
        statistics.AddSpans(HandMadeBatch());
        statistics.AddLogs(new ServiceLogBatch(Guid.NewGuid(), [new LogLine(T0 + (1 * Second), 9), new LogLine(T0 + (15 * Second), 13)]));

        ServiceDetail detail = statistics.Detail(Name, Start.AddSeconds(15), Start.AddSeconds(20));

        Assert.Equal(Start.AddSeconds(15), detail.From);
        Assert.Equal(Start.AddSeconds(20), detail.To);
        Assert.Equal((1L, 1L, 0L), (detail.Spans, detail.Requests, detail.Errors));
        Assert.Equal(Start.AddSeconds(10), Assert.Single(detail.Series).Start);
        OperationStats operation = Assert.Single(detail.Operations);
        Assert.Equal(("GET /a", 1L), (operation.Name, operation.Spans));
        Assert.Equal(30, detail.LatencyMs.P50, 0.3);
        Assert.Equal(1, detail.Logs.Total);
        Assert.Equal(1, detail.Logs.BySeverity["WARN"]);

        // Totals stay "since first seen" whatever the range.
        Assert.Equal(5, detail.Totals.Spans);

        ServiceDetail before = statistics.Detail(Name, Start.AddSeconds(-100), Start);
        Assert.Equal(0, before.Spans);
        Assert.Empty(before.Series);
        Assert.Empty(before.Operations);
    }

    [Fact]
    public void OperationP99NeedsTheMinimumCountInTheLookback()
    {
        ServiceStatistics statistics = Create();
        statistics.AddSpans(HandMadeBatch());

        // P99MinCount is 3: "GET /a" has 3 spans, "GET /b" only 1.
        Assert.Equal(30, statistics.OperationP99("GET /a")!.Value, 0.3);
        Assert.Null(statistics.OperationP99("GET /b"));
        Assert.Null(statistics.OperationP99("unknown"));

        // A lookback of 30 s before a watermark at T0+45 s covers [T0+15, T0+45]: only one "GET /a" span is left.
        statistics.AddSpans(new ServiceSpanBatch(Guid.NewGuid(), ["GET /b"], [Span(T0 + (45 * Second), Ms, 0, SpanRole.Request)]));
        Assert.Null(statistics.OperationP99("GET /a"));
    }

    [Fact]
    public void OperationP99IsNullBeforeAnything() => Assert.Null(Create().OperationP99("GET /a"));

    private ServiceStatistics Create() => new(
        new ServiceWindowOptions
        {
            BucketSeconds = 10,
            RetentionSeconds = 60,
            AllowedLatenessSeconds = 20,
            MaxFutureSkewSeconds = 30,
            MaxOperations = 2,
            MaxEdges = 1,
            MaxMetricSeries = 1,
            P99MinCount = 3,
            P99LookbackSeconds = 30,
        },
        _time);

    // Three requests and an internal span in [T0, T0+10), one request in [T0+10, T0+20); "db" is the third name,
    // so with MaxOperations = 2 it counts under "other".
    private static ServiceSpanBatch HandMadeBatch() => new(
        Guid.NewGuid(),
        ["GET /a", "GET /b", "db"],
        [
            Span(T0 + (1 * Second), 10 * Ms, 0, SpanRole.Request | SpanRole.Root),
            Span(T0 + (2 * Second), 20 * Ms, 0, SpanRole.Request | SpanRole.Error),
            Span(T0 + (3 * Second), 5 * Ms, 1, SpanRole.Request),
            Span(T0 + (4 * Second), 2 * Ms, 2, SpanRole.Error),
            Span(T0 + (12 * Second), 30 * Ms, 0, SpanRole.Request),
        ]);

    private static ServiceSpan Span(long end, long duration, int operation, SpanRole role) =>
        new(end, duration, operation, (role & SpanRole.Request) != 0 ? SpanKindCode.Server : SpanKindCode.Internal, role);
}
