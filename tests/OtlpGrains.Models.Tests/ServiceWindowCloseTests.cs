using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Logs;
using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Models.Tests;

/// <summary>Windows close once per window and per signal, into the documented features, and survive a checkpoint and replay.</summary>
public sealed class ServiceWindowCloseTests : IDisposable
{
    private const long Second = 1_000_000_000;
    private const long Ms = 1_000_000;
    private const long T0 = 1_700_000_000 * Second;

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_001_000));
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void SpanWindowsCloseOnceIntoRedFeaturesAndAnIdleGapClosesWithRateZero()
    {
        ServiceStatistics statistics = Create();
        statistics.AddSpans(Spans((1, 10, SpanRole.Request), (2, 20, SpanRole.Request | SpanRole.Error), (3, 1, SpanRole.None), (12, 30, SpanRole.Request)));
        Assert.Empty(statistics.TakeClosedWindows()); // watermark 12 s: window [0, 10) closes at 15 s

        statistics.AddSpans(Spans((16, 5, SpanRole.Request)));
        ClosedWindow first = Assert.Single(statistics.TakeClosedWindows());
        Assert.Equal((WindowSignal.Spans, T0, T0 + (10 * Second)), (first.Signal, first.StartUnixNano, first.EndUnixNano));
        Assert.Equal(["rate", "errorRatio", "p50", "p95", "p99"], first.Names);
        Assert.Equal(0.2, first.Features[0], 12);
        Assert.Equal(0.5, first.Features[1], 12);
        Assert.Equal(10, first.Features[2], 0.1);
        Assert.Equal(20, first.Features[3], 0.2);
        Assert.Equal(20, first.Features[4], 0.2);

        // Watermark 45 s: [10, 20) with two requests closes, then [20, 30) and [30, 40), which saw nothing. [10, 20)
        // is quiet, so its error ratio and percentiles pool the window before it (4 requests, 1 failed), and the 16
        // requests still missing count at the usual ratio of the windows before it (0.5); its rate is its own.
        statistics.AddSpans(Spans((45, 1, SpanRole.Request)));
        ClosedWindow[] closed = [.. statistics.TakeClosedWindows()];
        Assert.Equal([T0 + (10 * Second), T0 + (20 * Second), T0 + (30 * Second)], closed.Select(w => w.StartUnixNano));
        Assert.Equal(0.2, closed[0].Features[0], 12);
        Assert.Equal((1 + (16 * 0.5)) / 20, closed[0].Features[1], 12);
        Assert.Equal(30, closed[0].Features[4], 0.3);
        foreach (ClosedWindow idle in closed[1..])
        {
            Assert.Equal(0, idle.Features[0]);
            Assert.Equal(0, idle.Features[1]);
            Assert.All(idle.Features[2..], value => Assert.True(double.IsNaN(value)));
        }

        Assert.Empty(statistics.TakeClosedWindows());
        Assert.Equal((long?)3, statistics.LastClosedKeys.Spans - KeyOf(T0));
    }

    [Fact]
    public void AQuietWindowIsJudgedWithTheMinuteBeforeItAndABusyOneAlone()
    {
        ServiceStatistics statistics = Create();

        // Five quiet windows of 4 fast requests each, then one whose single request is slow and fails: alone it
        // would read as p99 900 ms and every request failing.
        var spans = new List<(long, long, SpanRole)>();
        for (long second = 0; second < 50; second += 10)
        {
            spans.AddRange([(second + 1, 10, SpanRole.Request), (second + 2, 10, SpanRole.Request), (second + 3, 12, SpanRole.Request), (second + 4, 10, SpanRole.Request)]);
        }

        spans.Add((51, 900, SpanRole.Request | SpanRole.Error));
        statistics.AddSpans(Spans([.. spans]));
        statistics.AddSpans(Spans((66, 10, SpanRole.Request)));
        ClosedWindow quiet = statistics.TakeClosedWindows().Single(w => w.StartUnixNano == T0 + (50 * Second));

        // Pooled newest first until 20 requests: the failure and the four windows before it (1 + 16 = 17), then one
        // more (21), all within the minute.
        Assert.Equal(0.1, quiet.Features[0], 12);
        Assert.Equal(1.0 / 21, quiet.Features[1], 12);
        Assert.Equal(10, quiet.Features[2], 0.1);
        Assert.True(quiet.Features[3] < 20, $"p95 {quiet.Features[3]}");

        // A busy window stands alone: 25 requests, 5 failing and slow, against the same quiet history.
        var busy = new List<(long, long, SpanRole)>();
        for (int i = 0; i < 25; i++)
        {
            busy.Add((71, i < 5 ? 900 : 10, i < 5 ? SpanRole.Request | SpanRole.Error : SpanRole.Request));
        }

        statistics.AddSpans(Spans([.. busy]));
        statistics.AddSpans(Spans((86, 10, SpanRole.Request)));
        ClosedWindow alone = statistics.TakeClosedWindows().Single(w => w.StartUnixNano == T0 + (70 * Second));
        Assert.Equal(0.2, alone.Features[1], 12);
        Assert.Equal(900, alone.Features[4], 900 * 0.02); // the histogram's relative accuracy
    }

    [Fact]
    public void AQuietWindowShortOfRequestsCountsTheMissingOnesAtTheUsualErrorRatio()
    {
        ServiceStatistics statistics = Create(retentionSeconds: 600);

        // Twenty windows of 4 requests, one failure in all (usual ratio 1/80), then two minutes of silence.
        var spans = new List<(long, long, SpanRole)>();
        for (long second = 0; second < 200; second += 10)
        {
            spans.AddRange([(second + 1, 10, second == 50 ? SpanRole.Request | SpanRole.Error : SpanRole.Request), (second + 2, 10, SpanRole.Request), (second + 3, 10, SpanRole.Request), (second + 4, 10, SpanRole.Request)]);
        }

        // One failed request alone after the silence, then windows of two requests that all fail.
        spans.Add((321, 10, SpanRole.Request | SpanRole.Error));
        for (long second = 330; second < 370; second += 10)
        {
            spans.AddRange([(second + 1, 10, SpanRole.Request | SpanRole.Error), (second + 2, 10, SpanRole.Request | SpanRole.Error)]);
        }

        statistics.AddSpans(Spans([.. spans]));
        statistics.AddSpans(Spans((386, 10, SpanRole.Request)));
        ClosedWindow[] closed = [.. statistics.TakeClosedWindows()];
        double One(long second) => closed.Single(w => w.StartUnixNano == T0 + (second * Second)).Features[1];

        // Alone, both would read as every request failing.
        Assert.Equal((1 + (19 * (1.0 / 80))) / 20, One(320), 12);
        Assert.Equal((9 + (11 * (8.0 / 87))) / 20, One(360), 12); // pooled 9 of 9 failing; 8 of 87 before it
    }

    [Fact]
    public void ALateBatchForAClosedWindowCountsButDoesNotCloseItAgain()
    {
        ServiceStatistics statistics = Create();
        statistics.AddSpans(Spans((1, 10, SpanRole.Request), (16, 10, SpanRole.Request)));
        Assert.Single(statistics.TakeClosedWindows());

        statistics.AddSpans(Spans((4, 10, SpanRole.Request | SpanRole.Error)));

        Assert.Empty(statistics.TakeClosedWindows());
        Assert.Equal(3, statistics.Totals.Requests);
        Assert.Equal(0, statistics.Totals.LateSpans);
        WindowPoint window = statistics.Detail("svc", null, null).Series[0];
        Assert.Equal((2L, 1L), (window.Requests, window.Errors)); // the queryable window takes it (within lateness)

        statistics.AddSpans(Spans((26, 10, SpanRole.Request)));
        ClosedWindow next = Assert.Single(statistics.TakeClosedWindows());
        Assert.Equal(T0 + (10 * Second), next.StartUnixNano);
    }

    [Fact]
    public void OutOfOrderSpansCloseEveryWindowFromTheEarliestInOrder()
    {
        ServiceStatistics statistics = Create();

        statistics.AddSpans(Spans((25, 1, SpanRole.Request), (5, 1, SpanRole.Request), (15, 1, SpanRole.Request), (7, 1, SpanRole.Request)));

        ClosedWindow[] closed = [.. statistics.TakeClosedWindows()];
        Assert.Equal([T0, T0 + (10 * Second)], closed.Select(w => w.StartUnixNano));
        Assert.Equal([0.2, 0.1], closed.Select(w => w.Features[0]));
    }

    [Fact]
    public void MetricWindowsCloseIntoOneValuePerSeriesByType()
    {
        ServiceStatistics statistics = Create(maxMetricSeries: 3);
        statistics.AddMetrics(new ServiceMetricBatch(
            Guid.NewGuid(),
            ["cpu", "requests", "duration"],
            [
                new MetricPoint(0, MetricKind.Gauge, T0 + (1 * Second), 0.5, 1),
                new MetricPoint(0, MetricKind.Gauge, T0 + (8 * Second), 0.7, 1),
                new MetricPoint(1, MetricKind.Sum, T0 + (2 * Second), 10, 1),
                new MetricPoint(1, MetricKind.Sum, T0 + (9 * Second), 15, 1),
                new MetricPoint(2, MetricKind.Histogram, T0 + (3 * Second), 120, 40),
                new MetricPoint(2, MetricKind.Histogram, T0 + (4 * Second), 30, 10),
                new MetricPoint(0, MetricKind.Gauge, T0 + (18 * Second), 0.2, 1),
            ]));
        statistics.AddMetrics(new ServiceMetricBatch(Guid.NewGuid(), ["cpu"], [new MetricPoint(0, MetricKind.Gauge, T0 + (25 * Second), 0.9, 1)]));

        ClosedWindow[] closed = [.. statistics.TakeClosedWindows()];

        Assert.All(closed, w => Assert.Equal(WindowSignal.Metrics, w.Signal));
        Assert.Equal([T0, T0 + (10 * Second)], closed.Select(w => w.StartUnixNano));
        Assert.Equal(["cpu", "requests", "duration"], closed[0].Names);
        Assert.Equal([0.7, 25, 3], closed[0].Features);
        Assert.Equal(0.2, closed[1].Features[0]);
        Assert.True(double.IsNaN(closed[1].Features[1]) && double.IsNaN(closed[1].Features[2]));
    }

    [Fact]
    public void LogWindowsCloseIntoCountsBySeverity()
    {
        ServiceStatistics statistics = Create();
        statistics.AddLogs(new ServiceLogBatch(
            Guid.NewGuid(),
            [new(T0 + (1 * Second), 9), new(T0 + (2 * Second), 17), new(T0 + (3 * Second), 18), new(T0 + (4 * Second), 0), new(T0 + (16 * Second), 9)]));

        ClosedWindow window = Assert.Single(statistics.TakeClosedWindows());

        Assert.Equal(WindowSignal.Logs, window.Signal);
        Assert.Equal(["UNSPECIFIED", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], window.Names);
        Assert.Equal([1, 0, 0, 1, 0, 2, 0], window.Features);
    }

    [Fact]
    public void ALogWindowWaitsForTheSpanStepsOrLinesBehindUnlessTheyAreBeyondTheLateness()
    {
        ServiceStatistics statistics = Create();
        int template = statistics.AddLogs(Lines((1, 1)))[0];
        statistics.AddSpans(Steps((2, 1)));
        long spanThenLine = TemplateTransition.Key(TemplateTransition.Operation(0), template);

        // The spans run ahead of the lines (their exporter drained a backlog first): [0, 10) waits for its lines.
        statistics.AddSpans(Steps((5, 2), (15, 3)));
        Assert.DoesNotContain(statistics.TakeClosedWindows(), w => w.Signal == WindowSignal.Logs);

        // Span 2's line comes, then the lines catch up: [0, 10) closes with both spans' paths.
        statistics.AddLogs(Lines((4, 2), (16, 3)));
        ClosedWindow closed = Assert.Single(statistics.TakeClosedWindows(), w => w.Signal == WindowSignal.Logs);
        Assert.Equal(T0, closed.StartUnixNano);
        Assert.Equal(2, closed.Transitions.Single(t => t.Key == spanThenLine).Value);

        // The lines stop. The spans going on do not close a window the lines may still reach...
        statistics.AddSpans(Steps((30, 4)));
        Assert.DoesNotContain(statistics.TakeClosedWindows(), w => w.Signal == WindowSignal.Logs);

        // ...until they are more than the allowed lateness (20 s here) ahead, where no line could land.
        statistics.AddSpans(Steps((50, 5)));
        closed = Assert.Single(statistics.TakeClosedWindows(), w => w.Signal == WindowSignal.Logs);
        Assert.Equal(T0 + (10 * Second), closed.StartUnixNano);
        Assert.Equal(1, closed.Transitions.Single(t => t.Key == spanThenLine).Value);
    }

    [Fact]
    public void AnIdleSignalsLastWindowClosesWithoutALaterEventAndTheOthersWait()
    {
        ServiceStatistics statistics = Create();
        statistics.AddSpans(Spans((1, 10, SpanRole.Request), (12, 10, SpanRole.Request), (13, 30, SpanRole.Request)));
        statistics.AddMetrics(new ServiceMetricBatch(Guid.NewGuid(), ["cpu"], [new MetricPoint(0, MetricKind.Gauge, T0 + (12 * Second), 0.9, 1)]));
        Assert.Empty(statistics.TakeClosedWindows()); // both watermarks at 12-13 s: nothing has passed 15 s
        Assert.True(statistics.HasOpenWindows(WindowSignal.Spans));
        Assert.False(statistics.HasOpenWindows(WindowSignal.Logs));

        // The spans go idle: both their windows close, the last with what it holds; the metrics' wait.
        Assert.Equal(2, statistics.CloseIdle(WindowSignal.Spans));
        ClosedWindow[] closed = [.. statistics.TakeClosedWindows()];
        Assert.Equal([(WindowSignal.Spans, T0), (WindowSignal.Spans, T0 + (10 * Second))], closed.Select(w => (w.Signal, w.StartUnixNano)));
        Assert.Equal(0.2, closed[1].Features[0], 12);
        Assert.False(statistics.HasOpenWindows(WindowSignal.Spans));
        Assert.True(statistics.HasOpenWindows(WindowSignal.Metrics));

        // Closing an idle signal again gives nothing; a later span lands in [10, 20) but does not close it twice.
        Assert.Equal(0, statistics.CloseIdle(WindowSignal.Spans));
        Assert.Empty(statistics.TakeClosedWindows());
        statistics.AddSpans(Spans((14, 10, SpanRole.Request), (26, 10, SpanRole.Request)));
        Assert.Empty(statistics.TakeClosedWindows());
        statistics.AddSpans(Spans((36, 10, SpanRole.Request)));
        Assert.Equal([T0 + (20 * Second)], statistics.TakeClosedWindows().Select(w => w.StartUnixNano));

        Assert.Equal(1, statistics.CloseIdle(WindowSignal.Metrics));
        ClosedWindow metrics = Assert.Single(statistics.TakeClosedWindows());
        Assert.Equal((WindowSignal.Metrics, T0 + (10 * Second), 0.9), (metrics.Signal, metrics.StartUnixNano, metrics.Features[0]));
    }

    [Fact]
    public void AnIdleLogSignalClosesThroughItsNewestLineOrStep()
    {
        ServiceStatistics statistics = Create();
        statistics.AddLogs(Lines((1, 1)));
        statistics.AddSpans(Steps((2, 1), (16, 2)));

        // The spans are ahead and the lines behind: [0, 10) waits for lines that may still come...
        Assert.DoesNotContain(statistics.TakeClosedWindows(), w => w.Signal == WindowSignal.Logs);

        // ...until the lines and the spans go idle: every log window through the newest step's closes.
        statistics.CloseIdle(WindowSignal.Logs);
        Assert.Equal([T0, T0 + (10 * Second)], statistics.TakeClosedWindows().Where(w => w.Signal == WindowSignal.Logs).Select(w => w.StartUnixNano));
        Assert.False(statistics.HasOpenWindows(WindowSignal.Logs));
    }

    [Fact]
    public void EachSignalHasItsOwnWatermark()
    {
        ServiceStatistics statistics = Create();
        statistics.AddSpans(Spans((1, 10, SpanRole.Request), (12, 10, SpanRole.Request)));

        // Logs and metrics far ahead of the spans (a skewed clock) neither close span windows nor move lastSeen.
        statistics.AddLogs(new ServiceLogBatch(Guid.NewGuid(), [new(T0 + (300 * Second), 9)]));
        statistics.AddMetrics(new ServiceMetricBatch(Guid.NewGuid(), ["cpu"], [new MetricPoint(0, MetricKind.Gauge, T0 + (200 * Second), 1, 1)]));
        statistics.AddEdgeCalls([new EdgeCall("db", true, T0 + (400 * Second), Ms, false)]);

        Assert.Empty(statistics.TakeClosedWindows()); // the log and metric signals have only just started
        Assert.Equal(
            (T0 + (12 * Second), T0 + (400 * Second), T0 + (200 * Second), T0 + (300 * Second)),
            statistics.Watermarks);
        ServiceSummary summary = statistics.Summary("svc");
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_012), summary.LastSeen);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), summary.WindowStart);

        // A span far behind the log watermark is still on time for the span signal.
        statistics.AddSpans(Spans((5, 10, SpanRole.Request)));
        Assert.Equal(0, statistics.Totals.LateSpans);
        Assert.Null(statistics.LastClosedKeys.Spans);
    }

    [Fact]
    public void ACheckpointAndAReplayCloseEachWindowOnceAndGiveTheSameSequence()
    {
        ServiceSpanBatch[] spans = [.. Enumerable.Range(0, 12).Select(i => Spans((3 + (i * 7), 5 + i, i % 4 == 0 ? SpanRole.Request | SpanRole.Error : SpanRole.Request)))];
        ServiceLogBatch[] logs = [.. Enumerable.Range(0, 12).Select(i => new ServiceLogBatch(Guid.NewGuid(), [new(T0 + ((1 + (i * 9)) * Second), (byte)(9 + (i % 3 * 4)))]))];
        void Apply(ServiceStatistics statistics, int i)
        {
            statistics.AddSpans(spans[i]);
            statistics.AddLogs(logs[i]);
        }

        ServiceStatistics uninterrupted = Create();
        var expected = new List<ClosedWindow>();
        for (int i = 0; i < spans.Length; i++)
        {
            Apply(uninterrupted, i);
            expected.AddRange(uninterrupted.TakeClosedWindows());
        }

        // Batches 0-4 are consumed and checkpointed; 5-8 are consumed, then the process dies before a checkpoint.
        ServiceStatistics live = Create();
        var consumed = new List<ClosedWindow>();
        for (int i = 0; i < 5; i++)
        {
            Apply(live, i);
            consumed.AddRange(live.TakeClosedWindows());
        }

        byte[] checkpoint = Serializer.SerializeToArray(live);
        for (int i = 5; i < 9; i++)
        {
            Apply(live, i);
            live.TakeClosedWindows(); // given to a consumer that dies with the process
        }

        // A new activation restores the checkpoint and replays the log after it (5-8), then goes on (9-11).
        ServiceStatistics restored = Serializer.Deserialize<ServiceStatistics>(checkpoint)!;
        restored.AttachClock(_time);
        for (int i = 5; i < spans.Length; i++)
        {
            Apply(restored, i);
            consumed.AddRange(restored.TakeClosedWindows());
        }

        Assert.True(expected.Count > 10);
        Assert.Equal(Describe(expected), Describe(consumed));
        Assert.Equal(consumed.Count, consumed.Select(w => (w.Signal, w.StartUnixNano)).Distinct().Count());
    }

    [Fact]
    public void ClosedWindowsOfEverySignalCrossTheWire()
    {
        ServiceStatistics statistics = Create();
        statistics.AddSpans(Spans((1, 10, SpanRole.Request), (16, 10, SpanRole.Request)));
        statistics.AddMetrics(new ServiceMetricBatch(Guid.NewGuid(), ["cpu"], [new MetricPoint(0, MetricKind.Gauge, T0 + Second, 0.5, 1), new MetricPoint(0, MetricKind.Gauge, T0 + (16 * Second), 0.6, 1)]));
        statistics.AddLogs(new ServiceLogBatch(Guid.NewGuid(), [new(T0 + Second, 9), new(T0 + (16 * Second), 9)]));
        ClosedWindow[] closed = [.. statistics.TakeClosedWindows()];
        Assert.Equal([WindowSignal.Spans, WindowSignal.Metrics, WindowSignal.Logs], closed.Select(w => w.Signal));

        ClosedWindow[] copies = Serializer.Deserialize<ClosedWindow[]>(Serializer.SerializeToArray(closed))!;

        Assert.Equal(Describe(closed), Describe(copies));
        Assert.Equal(closed.Select(w => string.Join(',', w.Names)), copies.Select(w => string.Join(',', w.Names)));
    }

    private static string[] Describe(IEnumerable<ClosedWindow> windows) =>
        [.. windows.Select(w => $"{w.Signal} {w.StartUnixNano} {string.Join(',', w.Features)}")];

    private static long KeyOf(long unixNano) => unixNano / (10 * Second);

    // Server spans of operation "GET /a" with span ids, ending at the given seconds.
    private static ServiceSpanBatch Steps(params (long EndSeconds, ulong SpanId)[] spans) => new(
        Guid.NewGuid(),
        ["GET /a"],
        [.. spans.Select(s => new ServiceSpan(T0 + (s.EndSeconds * Second), Ms, 0, SpanKindCode.Server, SpanRole.Request) { SpanId = s.SpanId })]);

    // One INFO line of the same template per span, at the given seconds.
    private static ServiceLogBatch Lines(params (long Seconds, ulong SpanId)[] lines) => new(
        Guid.NewGuid(),
        [.. lines.Select(l => new LogLine(T0 + (l.Seconds * Second), 9) { Body = "card charged", SpanId = l.SpanId })]);

    private static ServiceSpanBatch Spans(params (long EndSeconds, long DurationMs, SpanRole Role)[] spans) => new(
        Guid.NewGuid(),
        ["GET /a"],
        [.. spans.Select(s => new ServiceSpan(T0 + (s.EndSeconds * Second), s.DurationMs * Ms, 0, SpanKindCode.Server, s.Role))]);

    private Serializer Serializer => _services.GetRequiredService<Serializer>();

    private ServiceStatistics Create(int maxMetricSeries = 1, int retentionSeconds = 60) => new(
        new ServiceWindowOptions
        {
            BucketSeconds = 10,
            RetentionSeconds = retentionSeconds,
            AllowedLatenessSeconds = 20,
            CloseDelaySeconds = 5,
            MaxFutureSkewSeconds = 1_000,
            MaxMetricSeries = maxMetricSeries,
        },
        _time);
}
