using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection.Thresholds;
using OtlpGrains.Models.Logs;
using OtlpGrains.Models.Services;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Detection;

/// <summary>
/// A service's anomaly detection, kept in the service grain's checkpoint with its windows: one
/// <see cref="SignalDetection"/> for the span signal (RED) and one for the metrics signal, the saturation rule on
/// utilisation series (<see cref="SaturationDetection"/>), and the last
/// <see cref="KeptEvents"/> anomaly events. The span and log windows of a warm-up after a pause
/// (<see cref="IdleWarmUp"/>) are learned but not judged. Scoring is deterministic: the same closed windows with the same lineups
/// give the same scores, verdicts and event ids, so a restored checkpoint and a replay give what the lost process
/// would have given.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.ServiceDetection")]
public sealed class ServiceDetection
{
    /// <summary>Anomaly events kept for the API, across signals; older ones are dropped (they stay on the stream).</summary>
    public const int KeptEvents = 100;

    /// <summary>The model named on log events: the built-in template-frequency scoring, not a registry version.</summary>
    public static AnomalyModelRef LogModel { get; } = new("log-templates", 0);

    /// <summary>The model named on saturation events that no learned model flagged: the built-in USE rule.</summary>
    public static AnomalyModelRef SaturationModel { get; } = new("saturation", 0);

    /// <summary>The schema of the metrics signal: no fixed signals, every metric series of the service follows.</summary>
    public static FeatureSchema MetricsSchema { get; } = new("metrics.v1", [], OpenEnded: true);

    [Id(0)] private SignalDetection _spans = new();
    [Id(1)] private SignalDetection _metrics = new();
    [Id(2)] private List<AnomalyEvent> _events = [];
    [Id(3)] private LogDetection _logs = new();
    [Id(4)] private IdleWarmUp? _warmUp = new();
    [Id(5)] private SaturationDetection? _saturation = new();

    /// <summary>The span signal's detection: its last verdict is the service's status.</summary>
    public SignalDetection Spans => _spans;

    /// <summary>The metrics signal's detection.</summary>
    public SignalDetection Metrics => _metrics;

    /// <summary>The log signal's detection (template frequencies).</summary>
    public LogDetection Logs => _logs;

    /// <summary>The kept events, oldest first.</summary>
    public IReadOnlyList<AnomalyEvent> Events => _events;

    /// <summary>The name of a signal in events and runs.</summary>
    public static string SignalName(WindowSignal signal) => signal switch
    {
        WindowSignal.Spans => "spans",
        WindowSignal.Metrics => "metrics",
        _ => "logs",
    };

    /// <summary>
    /// Scores each closed window in order, and returns what each version made of the span and metric windows and the
    /// anomaly events raised. Log windows are scored by their templates' frequencies when <paramref name="templates"/>
    /// is given.
    /// </summary>
    /// <param name="service">The service, for the events.</param>
    /// <param name="windows">The windows that closed, in the order they closed.</param>
    /// <param name="lineupOf">The versions to score a signal with now (asked once per scored window).</param>
    /// <param name="detectedAtUnixNano">When each window's close is known, in event time (its signal's watermark when it closed, in the main).</param>
    /// <param name="options">The adaptive threshold's options.</param>
    /// <param name="templates">The service's log templates by id, for the log windows.</param>
    public DetectionResult Score(
        string service,
        IReadOnlyList<ClosedWindow> windows,
        Func<WindowSignal, DetectionLineup> lineupOf,
        Func<ClosedWindow, long> detectedAtUnixNano,
        SpotOptions options,
        Func<int, TemplateInfo>? templates = null)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(lineupOf);
        ArgumentNullException.ThrowIfNull(detectedAtUnixNano);
        var outcomes = new List<SignalOutcome>(windows.Count);
        List<AnomalyEvent>? raised = null;
        foreach (ClosedWindow window in windows)
        {
            // Traffic warms up, spans and lines; metric points keep their scrape interval, which may exceed a pause.
            // (The warm-up is absent from checkpoints taken before it was known.)
            bool judge = window.Signal == WindowSignal.Metrics || !(_warmUp ??= new()).Warming(window);
            SignalDetection? detection = window.Signal switch
            {
                WindowSignal.Spans => _spans,
                WindowSignal.Metrics => _metrics,
                _ => null,
            };
            if (detection is null)
            {
                if (window.Signal == WindowSignal.Logs && templates is not null &&
                    ScoreLogs(service, window, templates, detectedAtUnixNano(window), options, judge) is { } logAnomaly)
                {
                    (raised ??= []).Add(logAnomaly);
                }

                continue;
            }

            string signal = SignalName(window.Signal);
            SignalOutcome outcome = detection.Score(signal, window, lineupOf(window.Signal), options, judge);
            outcomes.Add(outcome);

            // (The saturation rule is absent from checkpoints taken before it was known.)
            Saturation[] saturated = window.Signal == WindowSignal.Metrics ? (_saturation ??= new()).Judge(window) : [];
            AnomalyEvent? anomaly = outcome.Verdict.IsAnomalous ? ToEvent(service, signal, window, outcome, detectedAtUnixNano(window)) : null;
            if (saturated.Length > 0)
            {
                anomaly = WithSaturation(anomaly, service, window, saturated, detectedAtUnixNano(window));
            }

            if (anomaly is not null)
            {
                Keep(anomaly);
                (raised ??= []).Add(anomaly);
            }
        }

        return new DetectionResult(outcomes, raised ?? []);
    }

    /// <summary>The kept events whose window ends after <paramref name="since"/> (all when null), newest first.</summary>
    public AnomalyEvent[] EventsSince(DateTimeOffset? since)
    {
        var selected = new List<AnomalyEvent>();
        for (int i = _events.Count - 1; i >= 0; i--)
        {
            if (since is null || _events[i].WindowEnd > since)
            {
                selected.Add(_events[i]);
            }
        }

        return [.. selected];
    }

    /// <summary>The service's status: the verdict on its last closed span window.</summary>
    public AnomalyStatus Status() => new(
        _spans.LastScore,
        _spans.LastSeverity switch
        {
            AnomalySeverity.Critical => "critical",
            AnomalySeverity.Warning => "warning",
            _ => "ok",
        },
        _spans.Model ?? AnomalyModelRef.Builtin);

    private AnomalyEvent? ScoreLogs(string service, ClosedWindow window, Func<int, TemplateInfo> templates, long detectedAtUnixNano, SpotOptions options, bool judge)
    {
        (AnomalyVerdict verdict, LogTemplateRef[] drivers) = _logs.Score(window, templates, options, judge);
        if (!verdict.IsAnomalous)
        {
            return null;
        }

        var anomaly = new AnomalyEvent(
            AnomalyEvent.IdOf(service, "logs", window.StartUnixNano),
            service,
            "logs",
            verdict.Signals,
            verdict.Score,
            verdict.Severity == AnomalySeverity.Critical ? "critical" : "warning",
            verdict.Threshold,
            UnixNanos.ToDateTimeOffset(window.StartUnixNano),
            UnixNanos.ToDateTimeOffset(window.EndUnixNano),
            UnixNanos.ToDateTimeOffset(detectedAtUnixNano),
            LogModel)
        {
            Onset = UnixNanos.ToDateTimeOffset(window.StartUnixNano),
            Templates = drivers,
        };
        Keep(anomaly);
        return anomaly;
    }

    private void Keep(AnomalyEvent anomaly)
    {
        // A replay after a crash scores windows the lost process had already scored: their events are kept once.
        if (_events.Count > 0 && _events.Exists(e => e.Id == anomaly.Id))
        {
            return;
        }

        if (_events.Count == KeptEvents)
        {
            _events.RemoveAt(0);
        }

        _events.Add(anomaly);
    }

    // Saturated series join the learned model's event for the window, or make one of their own; held while no
    // saturated series has a fresh reading in the window (scrapes can be a minute apart).
    private static AnomalyEvent WithSaturation(AnomalyEvent? detected, string service, ClosedWindow window, Saturation[] saturated, long detectedAtUnixNano)
    {
        string[] signals = [.. saturated.Select(s => s.Signal)];
        double score = saturated[0].Value;
        bool critical = score >= SaturationDetection.CriticalAt;
        long onset = saturated.Min(s => s.OnsetUnixNano);
        bool fresh = saturated.Any(s => s.ReadUnixNano == window.StartUnixNano);
        if (detected is not null)
        {
            return detected with
            {
                Signals = [.. signals, .. detected.Signals.Except(signals, StringComparer.Ordinal)],
                Score = Math.Max(detected.Score, score),
                Severity = critical ? "critical" : detected.Severity,
                Onset = UnixNanos.ToDateTimeOffset(Math.Min(onset, UnixNanos.FromDateTimeOffset(detected.Onset))),
                Held = detected.Held && !fresh,
            };
        }

        return new AnomalyEvent(
            AnomalyEvent.IdOf(service, "metrics", window.StartUnixNano),
            service,
            "metrics",
            signals,
            score,
            critical ? "critical" : "warning",
            SaturationDetection.SaturatedAt,
            UnixNanos.ToDateTimeOffset(window.StartUnixNano),
            UnixNanos.ToDateTimeOffset(window.EndUnixNano),
            UnixNanos.ToDateTimeOffset(detectedAtUnixNano),
            SaturationModel)
        {
            Onset = UnixNanos.ToDateTimeOffset(onset),
            Held = !fresh,
        };
    }

    private static AnomalyEvent ToEvent(string service, string signal, ClosedWindow window, SignalOutcome outcome, long detectedAtUnixNano) => new(
        AnomalyEvent.IdOf(service, signal, window.StartUnixNano),
        service,
        signal,
        outcome.Verdict.Signals,
        outcome.Verdict.Score,
        outcome.Verdict.Severity == AnomalySeverity.Critical ? "critical" : "warning",
        outcome.Verdict.Threshold,
        UnixNanos.ToDateTimeOffset(window.StartUnixNano),
        UnixNanos.ToDateTimeOffset(window.EndUnixNano),
        UnixNanos.ToDateTimeOffset(detectedAtUnixNano),
        outcome.Model)
    {
        Onset = UnixNanos.ToDateTimeOffset(outcome.Verdict.OnsetUnixNano),
        Held = outcome.Verdict.Held,
    };
}

/// <summary>What a batch of closed windows gave: one outcome per scored window, and the anomaly events raised.</summary>
public sealed record DetectionResult(IReadOnlyList<SignalOutcome> Outcomes, IReadOnlyList<AnomalyEvent> Events);
