using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Logs;
using OtlpGrains.Models.Services;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Incidents;

/// <summary>A service's evidence for an incident, from its retained windows over two ranges.</summary>
public static class ServiceEvidenceView
{
    /// <summary>Templates reported, those whose count rose most.</summary>
    public const int MaxTemplates = 5;

    /// <summary>Code paths reported, the most surprising.</summary>
    public const int MaxPaths = 5;

    /// <summary>Metric series reported, those that moved most.</summary>
    public const int MaxMetrics = 5;

    /// <summary>Baseline spreads a metric's incident mean must be from its baseline median to be reported.</summary>
    public const double MetricDeviation = 3;

    /// <summary>
    /// How unlikely a template's count over the incident must be at its baseline rate to be reported as surging: one
    /// chance in a hundred (Poisson, with one line added to the baseline so that a template never seen before needs
    /// two lines, not one).
    /// </summary>
    public const double TemplateSurprise = 0.01;

    public static ServiceEvidence Build(
        string service,
        ServiceStatistics statistics,
        TemplatePatterns? patterns,
        DateTimeOffset from,
        DateTimeOffset to,
        DateTimeOffset baselineFrom,
        DateTimeOffset baselineTo)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        WindowSnapshot[] incident = statistics.Windows(from, to);
        WindowSnapshot[] baseline = statistics.Windows(baselineFrom, baselineTo);
        ShiftStats requests = Shift(
            incident.Select(w => (w.Requests, w.Errors, w.Latency)),
            baseline.Select(w => (w.Requests, w.Errors, w.Latency)));

        var servers = incident.SelectMany(w => w.Callees).Select(c => (c.Server, c.Virtual)).Distinct().ToArray();
        EdgeShift[] callees = [.. servers.Select(s => new EdgeShift(s.Server, s.Virtual, Shift(
            incident.SelectMany(w => w.Callees).Where(c => c.Server == s.Server).Select(c => (c.Calls, c.Errors, c.Latency)),
            baseline.SelectMany(w => w.Callees).Where(c => c.Server == s.Server).Select(c => (c.Calls, c.Errors, c.Latency)))))
            .OrderBy(e => e.Server, StringComparer.Ordinal)];

        Dictionary<int, long> now = statistics.TemplateCounts(from, to);
        Dictionary<int, long> before = statistics.TemplateCounts(baselineFrom, baselineTo);
        double scale = Math.Max(1, (to - from).TotalSeconds) / Math.Max(1, (baselineTo - baselineFrom).TotalSeconds);
        TemplateShift[] templates = [.. now
            .Select(t => (Info: statistics.Templates.Info(t.Key), Count: t.Value, Before: before.GetValueOrDefault(t.Key)))
            .Where(t => t.Info.MaxSeverity >= LogDetection.AlertingSeverity && PoissonTail.AtLeast(t.Count, (t.Before + 1) * scale) < TemplateSurprise)
            .OrderByDescending(t => t.Count - (t.Before * scale))
            .Take(MaxTemplates)
            .Select(t => new TemplateShift(t.Info.Id, t.Info.Text, SeverityName(t.Info.MaxSeverity), t.Count, t.Before))];
        return new ServiceEvidence(service, requests, callees, templates)
        {
            Paths = patterns is null ? [] : Paths(statistics, patterns, from, to),
            Metrics = Metrics(statistics.MetricMeans(from, to), statistics.MetricMeans(baselineFrom, baselineTo)),
            Traces = Traces(incident),
        };
    }

    // The incident range's last failed request and its slowest, from the windows' exemplars.
    private static RequestTrace[] Traces(WindowSnapshot[] incident)
    {
        RequestTrace[] all = [.. incident.SelectMany(w => w.Traces)];
        RequestTrace? failed = all.Where(t => t.Failed).MaxBy(t => t.End);
        RequestTrace? slowest = all.MaxBy(t => t.DurationMs);
        return (failed, slowest) switch
        {
            (null, null) => [],
            ({ } f, { } s) when f.TraceId != s.TraceId => [f, s],
            ({ } f, _) => [f],
            (null, { } s) => [s],
        };
    }

    // The incident range's transitions against the learned code paths.
    private static PathShift[] Paths(ServiceStatistics statistics, TemplatePatterns patterns, DateTimeOffset from, DateTimeOffset to) =>
        [.. patterns.Shifts(statistics.TransitionCounts(from, to), learnedAlready: true)
            .Take(MaxPaths)
            .Select(p => new PathShift(statistics.StepName(p.From), statistics.StepName(p.To), p.Followed, p.Lines, p.UsualShare, p.Surprise)
            {
                Operation = statistics.OperationName(p.From),
            })];

    // Each series' mean over the incident against the median and spread of its baseline windows (robust to a spike
    // there); the spread is floored at 5% of the larger of the median and the mean, so that a flat series does not make
    // every wobble news, and a series that was at zero moves at most 20 spreads.
    private static MetricShift[] Metrics(Dictionary<string, List<double>> incident, Dictionary<string, List<double>> baseline)
    {
        var shifts = new List<MetricShift>();
        foreach ((string name, List<double> values) in incident)
        {
            if (!baseline.TryGetValue(name, out List<double>? before) || before.Count < 3)
            {
                continue;
            }

            double median = Median(before);
            double mean = values.Average();
            double spread = Math.Max(1.4826 * Median([.. before.Select(v => Math.Abs(v - median))]), Math.Max(0.05 * Math.Max(Math.Abs(median), Math.Abs(mean)), 1e-9));
            double deviation = (mean - median) / spread;
            if (Math.Abs(deviation) >= MetricDeviation)
            {
                shifts.Add(new MetricShift(name, mean, median, deviation));
            }
        }

        return [.. shifts.OrderByDescending(m => Math.Abs(m.Deviation)).Take(MaxMetrics)];
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static ShiftStats Shift(IEnumerable<(long Calls, long Errors, HistogramSnapshot Latency)> incident, IEnumerable<(long Calls, long Errors, HistogramSnapshot Latency)> baseline)
    {
        var (calls, errors, p99) = Sum(incident);
        var (baselineCalls, baselineErrors, baselineP99) = Sum(baseline);
        return new ShiftStats(calls, errors, p99, baselineCalls, baselineErrors, baselineP99);
    }

    private static (long Calls, long Errors, double P99) Sum(IEnumerable<(long Calls, long Errors, HistogramSnapshot Latency)> windows)
    {
        long calls = 0, errors = 0;
        var latency = new LatencyHistogram();
        foreach (var (c, e, l) in windows)
        {
            calls += c;
            errors += e;
            latency.Merge(l);
        }

        return (calls, errors, latency.IsEmpty ? double.NaN : latency.QuantileMs(0.99));
    }

    private static string SeverityName(byte severity) => LogSeverity.Names[LogSeverity.IndexOf(severity)];
}
