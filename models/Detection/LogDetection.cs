using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection.Thresholds;
using OtlpGrains.Models.Logs;
using OtlpGrains.Models.Services;

namespace OtlpGrains.Models.Detection;

/// <summary>
/// A service's log anomaly detection. Each closed log window scores every template in it by the surprise of its
/// count against the template's own usual frequency (<see cref="TemplateFrequency"/>); a template new in this window
/// is judged as one that had been at zero, so a new template that arrives in numbers is surprising and a lone line
/// is not. The window's score is its strongest alerting template's (WARN or worse: a surge of INFO lines is not paged
/// on), less ln(templates judged), and goes through the service's adaptive threshold like a RED score. Once the
/// templates have settled (<see cref="PatternDetection.IsSettled"/>), a template of level ERROR or worse first seen
/// within the last minute (<see cref="PatternDetection.RangeNanos"/>) with at least <see cref="NewErrorLines"/> lines
/// in it raises at least a warning, whether or not the threshold gives verdicts yet: new error templates are flagged
/// as such. A known ERROR template that returns at a line or two per window is judged over the same range by its
/// lines against its usual rate (<see cref="TemplateFrequency.RangeSurprise"/>), at the code paths' surprise levels,
/// once that rate means something (<see cref="TemplateFrequency.RateKnown"/>). The last score of each template is kept
/// for the API. The same window is also judged for changed code paths
/// (<see cref="PatternDetection"/>); the stronger of the two verdicts stands, and a shifted transition is named in the
/// signals as <c>pattern A->B</c> (template ids). Bounded by the service's templates.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.LogDetection")]
public sealed class LogDetection
{
    /// <summary>OTLP severity number from which a template can raise an event (WARN).</summary>
    public const byte AlertingSeverity = 13;

    /// <summary>OTLP severity number of ERROR.</summary>
    public const byte ErrorSeverity = 17;

    /// <summary>Lines a template first seen within the last minute must have in it to be flagged as a new error template.</summary>
    public const int NewErrorLines = 3;

    private const double HalfScoreSurprise = 13.8;

    [Id(0)] private readonly TemplateFrequency _frequency = new();
    [Id(1)] private readonly SpotThreshold _threshold = new();
    [Id(2)] private readonly Dictionary<int, double> _lastScores = [];
    [Id(3)] private readonly PatternDetection _patterns = new();

    /// <summary>The service's code-path detection.</summary>
    public PatternDetection Patterns => _patterns;

    /// <summary>The score of each template in the last window it appeared in.</summary>
    public IReadOnlyDictionary<int, double> LastScores => _lastScores;

    /// <summary>The adaptive threshold on the windows' scores.</summary>
    public SpotThreshold Threshold => _threshold;

    /// <summary>
    /// Scores one closed log window, judges it, and learns its counts. Returns the verdict and, when anomalous, the
    /// templates that crossed the threshold, strongest first. With <paramref name="judge"/> false (a warm-up,
    /// <see cref="IdleWarmUp"/>) the window is scored and learned, and its verdict is normal.
    /// </summary>
    public (AnomalyVerdict Verdict, LogTemplateRef[] Templates) Score(ClosedWindow window, Func<int, TemplateInfo> templates, SpotOptions options, bool judge = true)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(templates);
        var alerting = new List<(double Score, TemplateInfo Info, long Count)>();
        foreach ((int id, long count) in window.Templates)
        {
            TemplateInfo info = templates(id);
            double surprise = _frequency.Surprise(id, count);
            _lastScores[id] = ToScore(surprise);
            if (info.MaxSeverity >= AlertingSeverity)
            {
                alerting.Add((surprise, info, count));
            }
        }

        double looked = Math.Log(Math.Max(1, alerting.Count));
        double score = alerting.Count == 0 ? 0 : ToScore(Math.Max(0, alerting.Max(a => a.Score) - looked));
        AnomalySeverity severity = _threshold.Observe(score, options);
        severity = judge ? severity : AnomalySeverity.None;
        bool settled = _patterns.IsSettled;

        // A changed code path is judged by its own test, before the threshold's first verdicts: a quiet service takes
        // many minutes to calibrate one, and its code paths are learned within two.
        (AnomalySeverity pathSeverity, double pathSurprise, List<PatternShift> shifts) = _patterns.Score(window, judge);

        // A new ERROR template arriving in numbers is news even when its frequency is not yet surprising enough, once
        // the templates have settled (the first lines of each kind are all new). Its lines are counted over the
        // code-path range, as a quiet service logs a line or two per window.
        long rangeStart = window.EndUnixNano - PatternDetection.RangeNanos;
        var newErrors = alerting.Where(a => a.Info.MaxSeverity >= ErrorSeverity && a.Info.FirstSeenUnixNano >= rangeStart && _patterns.LinesInRange(a.Info.Id) >= NewErrorLines).ToList();
        bool newErrorOnly = judge && settled && severity == AnomalySeverity.None && newErrors.Count > 0;
        if (newErrorOnly)
        {
            severity = AnomalySeverity.Warning;
        }

        // A known ERROR template that returns at a line or two per window (a quiet service's error coming back) is
        // judged over the code-path range too, by the same surprise levels as a changed code path. New ones are the
        // rule above's.
        List<(double Score, TemplateInfo Info, long Count)> knownErrors = judge && settled
            ? [.. alerting.Where(a => a.Info.MaxSeverity >= ErrorSeverity && a.Info.FirstSeenUnixNano < rangeStart && _frequency.RateKnown(a.Info.Id, PatternDetection.SettlingWindows))]
            : [];
        (AnomalySeverity rangeSeverity, double rangeSurprise, List<(double Score, TemplateInfo Info, long Count)> surging) = JudgeRange(knownErrors);
        bool rangeOnly = rangeSeverity > severity;
        if (rangeOnly)
        {
            severity = rangeSeverity;
        }

        _frequency.Learn(window.Templates);

        string[] pathSignals = pathSeverity == AnomalySeverity.None ? [] : [.. shifts.Take(3).Select(s => $"pattern {s.From}->{s.To}")];
        if (pathSeverity > severity)
        {
            // Only a changed code path: the verdict is the pattern's.
            return (new AnomalyVerdict(pathSeverity, ToScore(pathSurprise), ToScore(PatternDetection.WarningSurprise), pathSignals), []);
        }

        if (severity == AnomalySeverity.None)
        {
            return (new AnomalyVerdict(severity, score, _threshold.Warning, []), []);
        }

        var drivers = rangeOnly ? surging
            : newErrorOnly ? newErrors
            : [.. alerting.Where(a => ToScore(Math.Max(0, a.Score - looked)) > _threshold.Warning)];
        LogTemplateRef[] refs = [.. drivers
            .OrderByDescending(a => a.Score)
            .Select(a => new LogTemplateRef(
                a.Info.Id,
                a.Info.Text,
                LogSeverity.Names[LogSeverity.IndexOf(a.Info.MaxSeverity)],
                a.Count,
                a.Info.FirstSeenUnixNano >= rangeStart))];
        string[] signals = [.. refs.Select(d => $"template {d.Id}"), .. pathSignals];
        AnomalyVerdict verdict = rangeOnly
            ? new AnomalyVerdict(severity, ToScore(rangeSurprise), ToScore(severity == AnomalySeverity.Critical ? PatternDetection.CriticalSurprise : PatternDetection.WarningSurprise), signals)
            : new AnomalyVerdict(severity, score, severity == AnomalySeverity.Critical ? _threshold.Critical : _threshold.Warning, signals);
        return (verdict, refs);
    }

    // The given templates of the window judged by their lines over the code-path range against their usual rate, the
    // strongest less ln(templates judged): the severity, that surprise, and the templates past the warning level.
    private (AnomalySeverity Severity, double Surprise, List<(double Score, TemplateInfo Info, long Count)> Surging) JudgeRange(
        List<(double Score, TemplateInfo Info, long Count)> templates)
    {
        if (templates.Count == 0)
        {
            return (AnomalySeverity.None, 0, []);
        }

        double looked = Math.Log(templates.Count);
        int windows = _patterns.WindowsInRange;
        var judged = templates
            .Select(a => (Score: _frequency.RangeSurprise(a.Info.Id, _patterns.LinesInRange(a.Info.Id), windows) - looked, a.Info, a.Count))
            .ToList();
        double strongest = Math.Max(0, judged.Max(j => j.Score));
        AnomalySeverity severity = strongest >= PatternDetection.CriticalSurprise ? AnomalySeverity.Critical
            : strongest >= PatternDetection.WarningSurprise ? AnomalySeverity.Warning
            : AnomalySeverity.None;
        return (severity, strongest, [.. judged.Where(j => j.Score >= PatternDetection.WarningSurprise)]);
    }

    private static double ToScore(double surprise) => surprise / (surprise + HalfScoreSurprise);
}
