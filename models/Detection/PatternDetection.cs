using OtlpGrains.Models.Detection.Thresholds;
using OtlpGrains.Models.Logs;
using OtlpGrains.Models.Services;

namespace OtlpGrains.Models.Detection;

/// <summary>
/// A service's code-path detection on its log windows. A window is judged with the windows of the last
/// <see cref="RangeNanos"/> before it (a quiet service logs a handful of lines per window, too few to judge alone)
/// against the learned <see cref="TemplatePatterns"/>; the strongest shifted transition, less ln(shifts seen) for the
/// many pairs looked at, raises a warning from <see cref="WarningSurprise"/> nats (about p = 1e-4) and a critical
/// from <see cref="CriticalSurprise"/> (about 1e-7). Then the window is learned: fully when its range was normal,
/// with weight <see cref="AnomalousWeight"/> when not, so a fault does not turn into the norm while it lasts. Bounded:
/// the model's limits and the windows of one range.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.PatternDetection")]
public sealed class PatternDetection
{
    /// <summary>The range judged with each window: a minute of event time.</summary>
    public const long RangeNanos = 60_000_000_000;

    public const double WarningSurprise = 9.2;

    public const double CriticalSurprise = 16.1;

    public const double AnomalousWeight = 0.1;

    [Id(0)] private readonly TemplatePatterns _patterns = new();
    [Id(1)] private readonly List<ClosedWindow> _recent = [];

    /// <summary>The learned code paths.</summary>
    public TemplatePatterns Patterns => _patterns;

    /// <summary>
    /// Judges a closed log window with its range, then learns it. Returns the severity, the surprise after the
    /// look-elsewhere cost, and the shifts, strongest first. With <paramref name="judge"/> false (the service's log
    /// threshold is still calibrating) the severity is None and the window is learned fully: early on the miner is
    /// still generalising its templates, and a line whose template changes id reads as a changed path.
    /// </summary>
    public (AnomalySeverity Severity, double Surprise, List<PatternShift> Shifts) Score(ClosedWindow window, bool judge = true)
    {
        ArgumentNullException.ThrowIfNull(window);
        _recent.RemoveAll(w => w.StartUnixNano <= window.EndUnixNano - RangeNanos || w.StartUnixNano >= window.StartUnixNano);
        _recent.Add(window);
        var transitions = new Dictionary<long, long>();
        foreach (ClosedWindow recent in _recent)
        {
            foreach ((long key, long count) in recent.Transitions)
            {
                transitions[key] = transitions.GetValueOrDefault(key) + count;
            }
        }

        List<PatternShift> shifts = _patterns.Shifts(transitions);
        double surprise = shifts.Count == 0 ? 0 : Math.Max(0, shifts[0].Surprise - Math.Log(shifts.Count));
        AnomalySeverity severity = !judge ? AnomalySeverity.None
            : surprise >= CriticalSurprise ? AnomalySeverity.Critical
            : surprise >= WarningSurprise ? AnomalySeverity.Warning
            : AnomalySeverity.None;
        _patterns.Learn(window.Transitions, severity == AnomalySeverity.None ? 1 : AnomalousWeight);
        return (severity, surprise, shifts);
    }
}
