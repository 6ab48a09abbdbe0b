using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.Thresholds;
using OtlpGrains.Models.Logs;
using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Models.Tests.Logs;

/// <summary>
/// Log records flow through a service's statistics (templates, windows) into its detection: a new ERROR template
/// that arrives in numbers raises a <c>logs</c> event naming it, and the ordinary life of a service raises none.
/// </summary>
public sealed class LogDetectionTests : IDisposable
{
    private const long Second = 1_000_000_000;
    private const long T0 = 1_700_000_000 * Second;
    private const int Surge = 650;

    private static readonly DetectionLineup Lineup = new(new DetectorChoice(AnomalyModelRef.Builtin, new BaselineModel(FeatureSchema.Red, BaselineOptions.Default)), null);

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void ASurgeOfANewErrorTemplateRaisesALogEventNamingIt()
    {
        var (statistics, detection) = Create();
        var random = new Random(4);
        var events = new List<(int Window, AnomalyEvent Event)>();
        for (int w = 0; w < Surge + 3; w++)
        {
            var lines = Ordinary(w, random);
            if (w == Surge)
            {
                lines.AddRange(Enumerable.Range(0, 40).Select(i => Line(w, 17, $"database connection refused to 10.0.0.{i % 7}:5432 after {i * 3} ms")));
            }

            events.AddRange(Feed(statistics, detection, lines).Select(e => (w, e)));
        }

        Assert.True(detection.Logs.Threshold.IsCalibrated);
        var (window, anomaly) = Assert.Single(events);
        Assert.Equal(Surge + 2, window); // the surge's window closes once records pass its end by the close delay
        Assert.Equal("logs", anomaly.Signal);
        Assert.Equal("critical", anomaly.Severity);
        LogTemplateRef template = anomaly.Templates[0];
        Assert.Equal("database connection refused to <*> after <*>", template.Text); // "12 ms" is one duration
        Assert.Equal("ERROR", template.Severity);
        Assert.Equal(40, template.Count);
        Assert.True(template.New);
        Assert.Equal([$"template {template.Id}"], anomaly.Signals);
        Assert.Equal(ServiceDetection.LogModel, anomaly.Model);
    }

    [Fact]
    public void ANewErrorTemplateOfAFewLinesIsAWarning()
    {
        var (statistics, detection) = Create();
        var random = new Random(6);
        var events = new List<(int Window, AnomalyEvent Event)>();
        for (int w = 0; w < 260; w++)
        {
            var lines = Ordinary(w, random);
            if (w == 200)
            {
                lines.AddRange(Enumerable.Range(0, 2).Select(i => Line(w, 17, $"lock {i} lost on shard {i * 7}")));
            }

            if (w == 230)
            {
                lines.AddRange(Enumerable.Range(0, 5).Select(i => Line(w, 17, $"NullPointerException in OrderMapper line {i + 40}")));
            }

            events.AddRange(Feed(statistics, detection, lines).Select(e => (w, e)));
        }

        // Two new error lines are not enough; five are, as a warning naming the new template.
        var (window, anomaly) = Assert.Single(events);
        Assert.Equal(232, window);
        Assert.Equal("warning", anomaly.Severity);
        LogTemplateRef template = Assert.Single(anomaly.Templates);
        Assert.Equal("NullPointerException in OrderMapper line <*>", template.Text);
        Assert.True(template.New);
        Assert.Equal(5, template.Count);
    }

    [Fact]
    public void ANewErrorTemplateOfALineAWindowInAQuietServiceIsAWarningByItsThirdLine()
    {
        // A line or two a window, far from calibrating the threshold; the new error comes a line a window.
        var (statistics, detection) = Create();
        var random = new Random(7);
        var events = new List<AnomalyEvent>();
        for (int w = 0; w < 50; w++)
        {
            var lines = Enumerable.Range(0, random.Next(1, 3)).Select(_ => Line(w, 9, $"contact {random.Next(1000)} found")).ToList();
            if (w is >= 40 and < 43)
            {
                lines.Add(Line(w, 17, $"no contact according to id {random.Next(1000)}"));
            }

            events.AddRange(Feed(statistics, detection, lines));
        }

        Assert.False(detection.Logs.Threshold.IsCalibrated);
        AnomalyEvent anomaly = Assert.Single(events);
        Assert.Equal(Start(42), anomaly.WindowStart);
        Assert.Equal("warning", anomaly.Severity);
        LogTemplateRef template = Assert.Single(anomaly.Templates);
        Assert.Equal("no contact according to id <*>", template.Text);
        Assert.True(template.New);
    }

    [Fact]
    public void AnErrorTemplateThatReturnsAtALineOrTwoAWindowIsFlaggedOverAMinuteAndAConstantOneIsNot()
    {
        // A quiet service, far from calibrating its threshold. One error comes in two episodes of a line or two a
        // window, windows 20-29 and from 60 on; another is logged a line or two every window all along.
        var (statistics, detection) = Create();
        var random = new Random(9);
        var events = new List<(int Window, AnomalyEvent Event)>();
        for (int w = 0; w < 75; w++)
        {
            var lines = Enumerable.Range(0, random.Next(1, 3)).Select(_ => Line(w, 9, $"contact {random.Next(1000)} found")).ToList();
            lines.AddRange(Enumerable.Range(0, random.Next(1, 3)).Select(_ => Line(w, 17, $"quota check failed for tenant {random.Next(1000)}")));
            if (w is >= 20 and < 30 or >= 60)
            {
                lines.AddRange(Enumerable.Range(0, random.Next(1, 3)).Select(_ => Line(w, 17, $"no contact according to id {random.Next(1000)}")));
            }

            events.AddRange(Feed(statistics, detection, lines).Select(e => (w, e)));
        }

        Assert.False(detection.Logs.Threshold.IsCalibrated);
        int returning = Enumerable.Range(0, statistics.Templates.Count).Single(id => statistics.Templates.Info(id).Text == "no contact according to id <*>");
        int constant = Enumerable.Range(0, statistics.Templates.Count).Single(id => statistics.Templates.Info(id).Text == "quota check failed for tenant <*>");
        Assert.DoesNotContain(events, e => e.Event.Signals.Contains($"template {constant}"));

        // The second episode is flagged within a minute of its first line, naming the template as a known one.
        var back = events.Where(e => e.Window >= 60).ToList();
        Assert.NotEmpty(back);
        Assert.True(back[0].Window <= 66, $"first at window {back[0].Window}");
        Assert.All(back, e => Assert.Contains($"template {returning}", e.Event.Signals));
        Assert.False(back[0].Event.Templates.Single(t => t.Id == returning).New);
        Assert.DoesNotContain(events, e => e.Window is >= 32 and < 60);
    }

    [Fact]
    public void AChangedCodePathRaisesAPatternEventWhileASteadyOneRaisesNone()
    {
        var (statistics, events) = CodePathChange(changeAt: 300, windows: 320);

        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.True(e.Window >= 300, $"window {e.Window}"));
        AnomalyEvent first = events[0].Event;
        Assert.Equal("logs", first.Signal);
        int received = Enumerable.Range(0, statistics.Templates.Count).Single(id => statistics.Templates.Info(id).Text == "order <*> received");
        Assert.Contains(first.Signals, s => s.StartsWith($"pattern {received}->", StringComparison.Ordinal));
        Assert.True(events[0].Window <= 303, $"first at window {events[0].Window}");
    }

    [Fact]
    public void ACodePathThatChangesWhileTheTemplatesSettleRaisesNothingBeforeTheyHave()
    {
        // The change at window 5, while a new service's miner still starts a template for each first line of a kind:
        // a simulated service once raised a pattern event in its first window, and the hold kept it open for 25
        // minutes. (Once judged, the mix learned since window 0 still differs from the one since window 5 for a
        // while, and may be flagged: the model learns cumulatively.)
        var (_, events) = CodePathChange(changeAt: 5, windows: 60);

        Assert.All(events, e => Assert.True(e.Event.WindowStart >= Start(PatternDetection.SettlingWindows), $"a {string.Join(",", e.Event.Signals)} event at {e.Event.WindowStart:T}"));
    }

    [Fact]
    public void ACodePathThatChangesAfterTheTemplatesSettleIsFlaggedBeforeTheThresholdGivesVerdicts()
    {
        // A quiet service takes many minutes to calibrate its threshold (100 windows); its code paths are judged
        // from two minutes on.
        var (statistics, events) = CodePathChange(changeAt: 40, windows: 60, out ServiceDetection detection);

        Assert.False(detection.Logs.Threshold.IsCalibrated);
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.True(e.Event.WindowStart >= Start(40), $"a {string.Join(",", e.Event.Signals)} event at {e.Event.WindowStart:T}"));
        Assert.True(events[0].Event.WindowStart <= Start(43), $"first at {events[0].Event.WindowStart:T}");
        int received = Enumerable.Range(0, statistics.Templates.Count).Single(id => statistics.Templates.Info(id).Text == "order <*> received");
        Assert.Contains(events[0].Event.Signals, s => s.StartsWith($"pattern {received}->", StringComparison.Ordinal));
    }

    [Fact]
    public void ACodePathThatChangesAsTheServiceResumesAfterAPauseIsFlaggedOnceItsWarmUpIsOver()
    {
        // Windows 0-39, then three minutes without a line, then the changed path from window 58 on. The first minute
        // after the pause (windows 58-63) is a warm-up: learned, not judged.
        var (_, events) = CodePathChange(changeAt: 58, windows: 90, out _, pause: (40, 58));

        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.True(e.Event.WindowStart >= Start(64), $"a {string.Join(",", e.Event.Signals)} event at {e.Event.WindowStart:T}"));
    }

    private static (ServiceStatistics Statistics, List<(int Window, AnomalyEvent Event)> Events) CodePathChange(int changeAt, int windows) =>
        CodePathChange(changeAt, windows, out _);

    // Every request logs "received" and then "priced"; from window changeAt on most of them skip the pricing and return
    // early, at INFO: no new error, no surge, only another path. Returns the service and its events by window.
    // With a pause, no line in windows [pause.From, pause.To).
    private static (ServiceStatistics Statistics, List<(int Window, AnomalyEvent Event)> Events) CodePathChange(
        int changeAt, int windows, out ServiceDetection detection, (int From, int To)? pause = null)
    {
        (ServiceStatistics statistics, detection) = Create();
        var random = new Random(8);
        var events = new List<(int Window, AnomalyEvent Event)>();
        ulong span = 1;
        for (int w = 0; w < windows; w++)
        {
            if (pause is { } p && w >= p.From && w < p.To)
            {
                continue;
            }

            var lines = new List<LogLine>();
            for (int i = random.Next(4, 12); i > 0; i--, span++)
            {
                lines.Add(Line(w, 9, $"order {span} received") with { SpanId = span });
                bool early = w >= changeAt && random.Next(10) < 7;
                lines.Add(Line(w, 9, early ? $"order {span} returned without price" : $"order {span} priced at {random.Next(10, 99)}") with { SpanId = span });
            }

            events.AddRange(Feed(statistics, detection, lines).Select(e => (w, e)));
        }

        return (statistics, events);
    }

    [Fact]
    public void TemplatesKeepTheirIdsThroughACheckpoint()
    {
        var (statistics, detection) = Create();
        var random = new Random(5);
        for (int w = 0; w < 30; w++)
        {
            Feed(statistics, detection, Ordinary(w, random));
        }

        var serializer = _services.GetRequiredService<Serializer>();
        ServiceStatistics restored = serializer.Deserialize<ServiceStatistics>(serializer.SerializeToArray(statistics))!;
        restored.AttachClock(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_100_000)));
        LogLine[] next = [Line(31, 9, "user 77 logged in from 10.1.2.3"), Line(31, 17, "payment 123 declined by issuer"), Line(31, 13, "cache miss for key k-999")];
        Assert.Equal(statistics.AddLogs(Batch(next)), restored.AddLogs(Batch(next)));
        Assert.Equal(statistics.Templates.Count, restored.Templates.Count);
        for (int id = 0; id < statistics.Templates.Count; id++)
        {
            Assert.Equal(statistics.Templates.Info(id), restored.Templates.Info(id));
        }
    }

    [Fact]
    public void TheTemplateViewCountsTheRangeAndCarriesExemplarsWithTraces()
    {
        var (statistics, detection) = Create();
        var exemplars = new TemplateExemplars();
        LogLine[] lines =
        [
            Line(0, 17, "payment 1 declined by issuer") with { TraceIdHigh = 1, TraceIdLow = 2, SpanId = 3 },
            Line(0, 17, "payment 2 declined by issuer"),
            Line(1, 17, "payment 3 declined by issuer"),
            Line(1, 17, "payment 4 declined by issuer"),
            Line(2, 9, "user 5 logged in from 10.0.0.1"),
        ];
        int[] ids = statistics.AddLogs(Batch(lines));
        exemplars.Add(lines, ids);
        Feed(statistics, detection, [Line(40, 9, "user 6 logged in from 10.0.0.2")]);

        LogTemplateSummary[] view = LogTemplatesView.Build(statistics, detection.Logs, exemplars, null, null);
        LogTemplateSummary declined = view.Single(t => t.Template == "payment <*> declined by issuer");
        Assert.Equal(4, declined.Count);
        Assert.Equal("ERROR", declined.Severity);
        Assert.Equal(TemplateExemplars.PerTemplate, declined.Exemplars.Length);
        Assert.Contains(declined.Exemplars, e => e.HasTrace && e.SpanId == 3); // the record with a trace stays
        Assert.Equal("payment 4 declined by issuer", declined.Exemplars[0].Body);
        Assert.Equal(2, view.Single(t => t.Template.StartsWith("user", StringComparison.Ordinal)).Count);

        // Only the first window: [0, 10 s).
        var first = LogTemplatesView.Build(statistics, detection.Logs, exemplars, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), DateTimeOffset.FromUnixTimeSeconds(1_700_000_010));
        Assert.Equal(2, Assert.Single(first).Count);
        Assert.Equal(declined.Id, first[0].Id);
    }

    private static (ServiceStatistics, ServiceDetection) Create() => (
        new ServiceStatistics(
            new ServiceWindowOptions { BucketSeconds = 10, RetentionSeconds = 3600, AllowedLatenessSeconds = 20, CloseDelaySeconds = 5, MaxFutureSkewSeconds = 100_000 },
            new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_100_000))),
        new ServiceDetection());

    // A service's ordinary life: logins every window in varying numbers, a cache miss warning now and then.
    private static List<LogLine> Ordinary(int w, Random random)
    {
        var lines = new List<LogLine>();
        for (int i = random.Next(5, 15); i > 0; i--)
        {
            lines.Add(Line(w, 9, $"user {random.Next(1000)} logged in from 10.0.{random.Next(255)}.{random.Next(255)}"));
        }

        for (int i = random.Next(0, 4) == 0 ? random.Next(1, 4) : 0; i > 0; i--)
        {
            lines.Add(Line(w, 13, $"cache miss for key k-{random.Next(100_000)}"));
        }

        return lines;
    }

    private static List<AnomalyEvent> Feed(ServiceStatistics statistics, ServiceDetection detection, List<LogLine> lines)
    {
        statistics.AddLogs(Batch([.. lines]));
        IReadOnlyList<ClosedWindow> closed = statistics.TakeClosedWindows();
        if (closed.Count == 0)
        {
            return [];
        }

        return [.. detection.Score("checkout", closed, _ => Lineup, _ => closed[^1].EndUnixNano, SpotOptions.Default, statistics.Templates.Info).Events];
    }

    private static ServiceLogBatch Batch(LogLine[] lines) => new(Guid.NewGuid(), lines);

    private static DateTimeOffset Start(int window) => DateTimeOffset.FromUnixTimeMilliseconds((T0 / 1_000_000) + (window * 10_000));

    private static LogLine Line(int window, byte severity, string body) =>
        new(T0 + (window * 10 * Second) + Second, severity) { Body = body };
}
