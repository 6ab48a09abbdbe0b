using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.Thresholds;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Services;
using OtlpGrains.TestSupport;
using Xunit.Abstractions;
using Xunit;

namespace OtlpGrains.Models.Tests.Detection;

/// <summary>
/// A service's detection scores its closed windows, raises events with deterministic ids, survives the Orleans
/// serializer unchanged, and switches versions at a window boundary (promotion takes the shadow's warm slot,
/// rollback the previous one).
/// </summary>
public sealed class ServiceDetectionTests(ITestOutputHelper output) : IDisposable
{
    private const string Service = "checkout";
    private const int Onset = (3 * SyntheticRed.WindowsPerDay) + 40;

    private static readonly DetectorChoice Builtin = new(AnomalyModelRef.Builtin, new BaselineModel(FeatureSchema.Red, BaselineOptions.Default));
    private static readonly DetectorChoice Version1 = new(new AnomalyModelRef("red", 1), new BaselineModel(FeatureSchema.Red, BaselineOptions.Default with { RecentWindows = 48 }));
    private static readonly DetectorChoice Version2 = new(new AnomalyModelRef("red", 2), new BaselineModel(FeatureSchema.Red, BaselineOptions.Default with { RecentWindows = 96 }));
    private static readonly DetectionLineup Metrics = new(new DetectorChoice(AnomalyModelRef.Builtin, new BaselineModel(ServiceDetection.MetricsSchema, BaselineOptions.Default)), null);

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void ErrorBurstRaisesAnEventAtItsOnsetNamingTheErrorRatio()
    {
        var detection = new ServiceDetection();
        var windows = Windows(new SyntheticRed(seed: 3, Fault.ErrorBurst, Onset), Onset + 3);

        var events = new List<AnomalyEvent>();
        foreach (var window in windows)
        {
            events.AddRange(Score(detection, window, new DetectionLineup(Builtin, null)).Events);
        }

        Assert.NotEmpty(events);
        AnomalyEvent first = events[0];
        Assert.Equal(StartOf(Onset), first.WindowStart);
        Assert.Equal("errorRatio", first.Signals[0]);
        Assert.Equal("spans", first.Signal);
        Assert.Equal(AnomalyEvent.IdOf(Service, "spans", SyntheticRed.StartOf(Onset)), first.Id);
        Assert.True(first.Score > first.Threshold, $"score {first.Score} under threshold {first.Threshold}");
        Assert.Equal(AnomalyModelRef.Builtin, first.Model);
        Assert.Equal(first.Id, detection.EventsSince(null)[^1].Id);
        AnomalyScoring run = Assert.Single(detection.Spans.Runs);
        Assert.Equal(windows.Length, run.Windows);
    }

    [Fact]
    public void AFaultAsTrafficResumesAfterAPauseIsFlaggedOnlyAfterTheWarmUp()
    {
        // No request in the window before the onset (five minutes: a pause); half the requests fail from the onset
        // on. The onset window is the warm-up, learned but not judged; the fault is flagged after it.
        var detection = new ServiceDetection();
        var red = new SyntheticRed(seed: 8);
        var events = new List<AnomalyEvent>();
        for (int w = 0; w < Onset + 4; w++)
        {
            double[] values = w == Onset - 1 ? [0, double.NaN, double.NaN, double.NaN, double.NaN] : red.Window(w);
            values[1] = w >= Onset ? 0.5 : values[1];
            var window = new ClosedWindow(WindowSignal.Spans, SyntheticRed.StartOf(w), SyntheticRed.StartOf(w + 1), FeatureSchema.Red.Signals, values);
            events.AddRange(Score(detection, window, new DetectionLineup(Builtin, null)).Events);
        }

        // (The pause itself may page: its rate fell to zero.)
        AnomalyEvent[] fault = [.. events.Where(e => e.WindowStart >= StartOf(Onset))];
        Assert.NotEmpty(fault);
        Assert.InRange(fault[0].WindowStart, StartOf(Onset + 1), StartOf(Onset + 3));
        Assert.Contains("errorRatio", fault[0].Signals);
    }

    [Fact]
    public void ALastingFaultKeepsTheServiceRedUntilItEnds()
    {
        // Half the requests fail for 60 windows. The baseline scores the onset; the hold keeps the service critical,
        // one event per window with the onset's start, until the error ratio comes back.
        var detection = new ServiceDetection();
        var red = new SyntheticRed(seed: 8);
        const int faultWindows = 60;
        var events = new List<AnomalyEvent>();
        for (int w = 0; w < Onset + faultWindows + 5; w++)
        {
            double[] values = red.Window(w);
            bool faulty = w >= Onset && w < Onset + faultWindows;
            values[1] = faulty ? 0.5 : values[1];
            var window = new ClosedWindow(WindowSignal.Spans, SyntheticRed.StartOf(w), SyntheticRed.StartOf(w + 1), FeatureSchema.Red.Signals, values);
            events.AddRange(Score(detection, window, new DetectionLineup(Builtin, null)).Events);
            if (faulty)
            {
                Assert.Equal("critical", detection.Status().Status);
            }
        }

        Assert.Equal("ok", detection.Status().Status);
        Assert.Equal(faultWindows, events.Count);
        Assert.All(events, e => Assert.Equal(StartOf(Onset), e.Onset));
        Assert.All(events, e => Assert.Equal("errorRatio", e.Signals[0]));
        Assert.False(events[0].Held);
        Assert.True(events[^1].Held);
        Assert.Equal(StartOf(Onset + faultWindows - 1), events[^1].WindowStart);
    }

    [Fact]
    public void RestoredDetectionScoresLikeTheOriginal()
    {
        var serializer = _services.GetRequiredService<Serializer>();
        var original = new ServiceDetection();
        var windows = Windows(new SyntheticRed(seed: 8, Fault.LevelShift, Onset), Onset + 60);
        var lineup = new DetectionLineup(Version1, Version2);
        int snapshotAt = Onset - 100;
        for (int w = 0; w < snapshotAt; w++)
        {
            Score(original, windows[w], lineup);
        }

        ServiceDetection restored = serializer.Deserialize<ServiceDetection>(serializer.SerializeToArray(original))!;
        Assert.NotSame(original, restored);
        int anomalies = 0;
        for (int w = snapshotAt; w < windows.Length; w++)
        {
            DetectionResult expected = Score(original, windows[w], lineup);
            DetectionResult actual = Score(restored, windows[w], lineup);
            SignalOutcome e = Assert.Single(expected.Outcomes);
            SignalOutcome a = Assert.Single(actual.Outcomes);
            Assert.Equal(e.Verdict.Score, a.Verdict.Score);
            Assert.Equal(e.Verdict.Severity, a.Verdict.Severity);
            Assert.Equal(e.Verdict.Threshold, a.Verdict.Threshold);
            Assert.Equal(e.Shadow, a.Shadow);
            Assert.Equal(expected.Events, actual.Events, (x, y) => x.Id == y.Id && x.Score == y.Score && x.Severity == y.Severity);
            anomalies += expected.Events.Count;
        }

        Assert.True(anomalies > 0, "the level shift raised no anomaly, so the comparison proved little");
        Assert.Equal(original.Status(), restored.Status());
    }

    [Fact]
    public void SwitchHappensAtTheNextWindowAndScoresEachWindowOnce()
    {
        var detection = new ServiceDetection();
        var windows = Windows(new SyntheticRed(seed: 11), 300);
        for (int w = 0; w < windows.Length; w++)
        {
            var lineup = w < 100 ? new DetectionLineup(Builtin, null) : new DetectionLineup(Version1, null);
            SignalOutcome outcome = Assert.Single(Score(detection, windows[w], lineup).Outcomes);
            Assert.Equal(w < 100 ? AnomalyModelRef.Builtin : Version1.Ref, outcome.Model);
        }

        var runs = detection.Spans.Runs;
        Assert.Equal(2, runs.Count);
        Assert.Equal((AnomalyModelRef.Builtin, 100L, StartOf(0), StartOf(99)), (runs[0].Model, runs[0].Windows, runs[0].FirstWindowStart, runs[0].LastWindowStart));
        Assert.Equal((Version1.Ref, 200L, StartOf(100), StartOf(299)), (runs[1].Model, runs[1].Windows, runs[1].FirstWindowStart, runs[1].LastWindowStart));
        Assert.Equal(Version1.Ref, detection.Status().Model);
    }

    [Fact]
    public void PromotedShadowKeepsItsWarmStateAndRollbackFindsThePrevious()
    {
        var serializer = _services.GetRequiredService<Serializer>();
        var windows = Windows(new SyntheticRed(seed: 21), 900);
        var withShadow = new ServiceDetection();
        var shadowAlone = new ServiceDetection();
        for (int w = 0; w < 800; w++)
        {
            SignalOutcome outcome = Assert.Single(Score(withShadow, windows[w], new DetectionLineup(Version1, Version2)).Outcomes);
            Score(shadowAlone, windows[w], new DetectionLineup(Version2, null));
            Assert.Equal(Version2.Ref, outcome.Shadow!.Model);
        }

        // Promoted: version 2 scores with the state and threshold it built as the shadow, exactly as if it had
        // been production all along; version 1 keeps its slot as the previous production.
        ServiceDetection beforeRollback = null!;
        for (int w = 800; w < 850; w++)
        {
            SignalOutcome promoted = Assert.Single(Score(withShadow, windows[w], new DetectionLineup(Version2, null)).Outcomes);
            SignalOutcome alone = Assert.Single(Score(shadowAlone, windows[w], new DetectionLineup(Version2, null)).Outcomes);
            Assert.Equal(alone.Verdict.Score, promoted.Verdict.Score);
            Assert.Equal(alone.Verdict.Threshold, promoted.Verdict.Threshold);
            Assert.Null(promoted.Shadow);
        }

        beforeRollback = serializer.Deserialize<ServiceDetection>(serializer.SerializeToArray(withShadow))!;
        SignalOutcome rolledBack = Assert.Single(Score(withShadow, windows[850], new DetectionLineup(Version1, null)).Outcomes);
        Assert.Equal(Version1.Ref, rolledBack.Model);
        // Its threshold came back calibrated (a fresh one gives no verdict, and so no threshold, for 500 windows).
        Assert.False(double.IsNaN(rolledBack.Verdict.Threshold));

        var fresh = new ServiceDetection();
        SignalOutcome freshOutcome = Assert.Single(Score(fresh, windows[850], new DetectionLineup(Version1, null)).Outcomes);
        Assert.True(double.IsNaN(freshOutcome.Verdict.Threshold));
        Assert.Equal(Version2.Ref, beforeRollback.Status().Model);
        Assert.Equal([Version1.Ref, Version2.Ref, Version1.Ref], withShadow.Spans.Runs.Select(r => r.Model));
    }

    [Fact]
    public void SerializedDetectionIsBounded()
    {
        // The largest a service's detection gets: production, shadow and previous slots on the spans, ten metric
        // series, and the full ring of events. Bounded by the detectors' rings and the threshold's 2000 scores.
        var serializer = _services.GetRequiredService<Serializer>();
        var detection = new ServiceDetection();
        var red = new SyntheticRed(seed: 2);
        string[] series = [.. Enumerable.Range(0, 10).Select(i => $"metric.{i}")];
        for (int w = 0; w < 2500; w++)
        {
            var lineup = w < 1200 ? new DetectionLineup(Version1, Version2) : new DetectionLineup(Version2, Builtin);
            var spans = new ClosedWindow(WindowSignal.Spans, SyntheticRed.StartOf(w), SyntheticRed.StartOf(w + 1), FeatureSchema.Red.Signals, red.Window(w));
            var metrics = new ClosedWindow(WindowSignal.Metrics, SyntheticRed.StartOf(w), SyntheticRed.StartOf(w + 1), series, [.. series.Select((_, i) => (double)((w * (i + 1)) % 17))]);
            detection.Score(Service, [spans, metrics], s => s == WindowSignal.Spans ? lineup : Metrics, _ => SyntheticRed.StartOf(w + 1), SpotOptions.Default);
        }

        int bytes = serializer.SerializeToArray(detection).Length;
        output.WriteLine($"serialized detection at its largest: {bytes} bytes");
        Assert.InRange(bytes, 20_000, 256 * 1024);

        // The common case: one version on the spans, no metrics.
        var plain = new ServiceDetection();
        for (int w = 0; w < 2500; w++)
        {
            Score(plain, new ClosedWindow(WindowSignal.Spans, SyntheticRed.StartOf(w), SyntheticRed.StartOf(w + 1), FeatureSchema.Red.Signals, red.Window(2500 + w)), new DetectionLineup(Builtin, null));
        }

        int plainBytes = serializer.SerializeToArray(plain).Length;
        output.WriteLine($"serialized detection, spans only, one version: {plainBytes} bytes");
        Assert.InRange(plainBytes, 10_000, bytes / 2);
    }

    [Fact]
    public void MetricWindowsAreScoredAndNamedBySeries()
    {
        var detection = new ServiceDetection();
        string[] names = ["queue.depth", "cpu"];
        AnomalyEvent? raised = null;
        for (int w = 0; w < 700; w++)
        {
            double depth = w == 650 ? 5000 : 100 + (w % 7);
            var window = new ClosedWindow(WindowSignal.Metrics, SyntheticRed.StartOf(w), SyntheticRed.StartOf(w + 1), names, [depth, 0.5 + (0.01 * (w % 5))]);
            var events = detection.Score(Service, [window], _ => Metrics, _ => SyntheticRed.StartOf(w + 2), SpotOptions.Default).Events;
            raised ??= events.Count > 0 ? events[0] : null;
        }

        Assert.NotNull(raised);
        Assert.Equal("metrics", raised.Signal);
        Assert.Equal("queue.depth", raised.Signals[0]);
        Assert.Equal(StartOf(650), raised.WindowStart);
        Assert.Equal(StartOf(652), raised.DetectedAt);
        Assert.Equal("ok", detection.Status().Status); // the status is the span signal's
    }

    [Fact]
    public void ASaturatedUtilisationRaisesItsOwnEventWhichIsHeldBetweenScrapesAndSurvivesARestore()
    {
        var serializer = _services.GetRequiredService<Serializer>();
        var detection = new ServiceDetection();
        string[] names = ["k8s.pod.cpu_limit_utilization"];
        const long Ten = 10_000_000_000; // ten-second windows
        AnomalyEvent[] Scored(ServiceDetection scoring, int w, double cpu) =>
            [.. scoring.Score(Service, [new ClosedWindow(WindowSignal.Metrics, w * Ten, (w + 1) * Ten, names, [cpu])], _ => Metrics, _ => (w + 1) * Ten, SpotOptions.Default).Events];

        // A scrape every sixth window, at 5% of the limit.
        for (int w = 0; w < 30; w++)
        {
            Assert.Empty(Scored(detection, w, w % 6 == 0 ? 0.05 + (0.001 * w) : double.NaN));
        }

        AnomalyEvent saturated = Assert.Single(Scored(detection, 30, 0.93));
        Assert.Equal(("metrics", "saturation k8s.pod.cpu_limit_utilization", "critical", false), (saturated.Signal, saturated.Signals[0], saturated.Severity, saturated.Held));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(300), saturated.Onset);

        ServiceDetection restored = serializer.Deserialize<ServiceDetection>(serializer.SerializeToArray(detection))!;
        AnomalyEvent held = Assert.Single(Scored(restored, 31, double.NaN));
        Assert.True(held.Held);
        Assert.Equal((saturated.Onset, "saturation k8s.pod.cpu_limit_utilization"), (held.Onset, held.Signals[0]));
        Assert.Empty(Scored(restored, 36, 0.06));
    }

    [Fact]
    public void KeptEventsAreBoundedAndFilteredBySince()
    {
        // A model whose score is the error ratio itself: calm windows calibrate the threshold, then every window
        // of a long outage is anomalous (anomalous scores are not learned, so the threshold stays).
        var errorRatio = new DetectionLineup(new DetectorChoice(new AnomalyModelRef("ratio", 1), new ErrorRatioModel()), null);
        var detection = new ServiceDetection();
        int raised = 0;
        for (int w = 0; w < 800; w++)
        {
            double ratio = w < 600 ? 0.01 * (w % 10) : 0.99;
            double[] values = [10, ratio, 1, 2, 3];
            var window = new ClosedWindow(WindowSignal.Spans, SyntheticRed.StartOf(w), SyntheticRed.StartOf(w + 1), FeatureSchema.Red.Signals, values);
            raised += Score(detection, window, errorRatio).Events.Count;
        }

        Assert.Equal(200, raised);
        AnomalyEvent[] all = detection.EventsSince(null);
        Assert.Equal(ServiceDetection.KeptEvents, all.Length);
        Assert.Equal(StartOf(799), all[0].WindowStart);
        Assert.Equal(StartOf(800 - ServiceDetection.KeptEvents), all[^1].WindowStart);
        DateTimeOffset since = all[9].WindowEnd;
        Assert.Equal(all.Take(9).Select(e => e.Id), detection.EventsSince(since).Select(e => e.Id));
        Assert.Equal("critical", detection.Status().Status);
    }

    private static DetectionResult Score(ServiceDetection detection, ClosedWindow window, DetectionLineup spans) =>
        detection.Score(Service, [window], s => s == WindowSignal.Spans ? spans : Metrics, _ => window.EndUnixNano, SpotOptions.Default);

    private static ClosedWindow[] Windows(SyntheticRed red, int count) =>
        [.. Enumerable.Range(0, count).Select(w => new ClosedWindow(WindowSignal.Spans, SyntheticRed.StartOf(w), SyntheticRed.StartOf(w + 1), FeatureSchema.Red.Signals, red.Window(w)))];

    private static DateTimeOffset StartOf(int window) => DateTimeOffset.UnixEpoch.AddTicks(SyntheticRed.StartOf(window) / 100);
}

/// <summary>Scores a window by its error ratio: a detector whose verdicts a test can dictate.</summary>
internal sealed class ErrorRatioModel : IAnomalyModel
{
    public string Kind => TestConstantCodec.KindName; // its state is the constant model's

    public FeatureSchema Schema => FeatureSchema.Red;

    public DetectorState NewState() => new TestConstantState();

    public AnomalyScore Score(DetectorState state, long windowStartUnixNano, ReadOnlySpan<double> values)
    {
        double[] signals = new double[values.Length];
        Array.Fill(signals, 0);
        signals[1] = values[1];
        return new AnomalyScore(values[1], signals);
    }
}
