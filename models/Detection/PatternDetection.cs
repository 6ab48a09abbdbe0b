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

    /// <summary>
    /// Windows learned before any is judged: two minutes of 10 s windows. Early on the miner is still settling its
    /// templates (the first lines of a kind each start one), and those first paths read as changed ones.
    /// </summary>
    public const int SettlingWindows = 12;

    [Id(0)] private readonly TemplatePatterns _patterns = new();
    [Id(1)] private readonly List<ClosedWindow> _recent = [];
    [Id(2)] private int _learnedWindows;

    /// <summary>The learned code paths.</summary>
    public TemplatePatterns Patterns => _patterns;

    /// <summary>True once <see cref="SettlingWindows"/> windows have been learned: windows are judged from then on.</summary>
    public bool IsSettled => _learnedWindows >= SettlingWindows;

    /// <summary>The windows of the last range judged, the last one included.</summary>
    public int WindowsInRange => _recent.Count;

    /// <summary>The lines of template <paramref name="id"/> in the windows of the last range judged.</summary>
    public long LinesInRange(int id)
    {
        long lines = 0;
        foreach (ClosedWindow window in _recent)
        {
            foreach ((int template, long count) in window.Templates)
            {
                if (template == id)
                {
                    lines += count;
                }
            }
        }

        return lines;
    }

    /// <summary>
    /// Judges a closed log window with its range, then learns it. Returns the severity, the surprise after the
    /// look-elsewhere cost, and the shifts, strongest first. Before the model <see cref="IsSettled"/> the severity is
    /// None and the window is learned fully. With <paramref name="judge"/> false (a warm-up, <see cref="IdleWarmUp"/>)
    /// the window is only learned (fully, unless it shows a changed path on its own) and left out of the ranges judged
    /// after it.
    /// </summary>
    public (AnomalySeverity Severity, double Surprise, List<PatternShift> Shifts) Score(ClosedWindow window, bool judge = true)
    {
        ArgumentNullException.ThrowIfNull(window);
        _recent.RemoveAll(w => w.StartUnixNano <= window.EndUnixNano - RangeNanos || w.StartUnixNano >= window.StartUnixNano);
        if (!judge)
        {
            // A warm-up's windows are no part of the ranges judged after it. One that would read as a changed path on
            // its own is learned as an anomalous one: a fault already there when traffic resumes is no norm either.
            bool changed = IsSettled && Surprise(_patterns.Shifts(window.Transitions.ToDictionary(t => t.Key, t => t.Value))) >= WarningSurprise;
            Learn(window, changed ? AnomalousWeight : 1);
            return (AnomalySeverity.None, 0, []);
        }

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
        double surprise = Surprise(shifts);
        AnomalySeverity severity = !IsSettled ? AnomalySeverity.None
            : surprise >= CriticalSurprise ? AnomalySeverity.Critical
            : surprise >= WarningSurprise ? AnomalySeverity.Warning
            : AnomalySeverity.None;
        Learn(window, severity == AnomalySeverity.None ? 1 : AnomalousWeight);
        return (severity, surprise, shifts);
    }

    // The strongest shift's surprise less ln(shifts seen), the look-elsewhere cost of the pairs looked at.
    private static double Surprise(List<PatternShift> shifts) =>
        shifts.Count == 0 ? 0 : Math.Max(0, shifts[0].Surprise - Math.Log(shifts.Count));

    private void Learn(ClosedWindow window, double weight)
    {
        _patterns.Learn(window.Transitions, weight);
        _learnedWindows = Math.Min(_learnedWindows + 1, SettlingWindows);
    }
}
