using System.Globalization;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Incidents;

/// <summary>
/// Reads a service's evidence for the ranker: which shifts count (a p99 at least 1.5 times its baseline, or an error
/// ratio up by 5 points or more, against a baseline that had calls), how strong they are, and how to say them. A
/// changed code path scores up to one point, a moved metric series up to half, a surging ERROR template a quarter.
/// </summary>
internal static class Shifts
{
    private const double LatencyFactor = 1.5;
    private const double ErrorRise = 0.05;

    // Surprise (nats) of a code-path shift that scores half a point; baseline spreads of a metric that score a quarter.
    private const double PathHalfScore = 10;
    private const double MetricHalfScore = 10;

    public static bool Shifted(ShiftStats stats) =>
        stats.Calls > 0 && stats.BaselineCalls > 0 &&
        ((stats.BaselineP99Ms > 0 && stats.P99Ms >= LatencyFactor * stats.BaselineP99Ms) || stats.ErrorRatio - stats.BaselineErrorRatio >= ErrorRise);

    /// <summary>
    /// True when a service's evidence shows anything over the incident (its requests or an edge shifted, a code path
    /// changed, a metric moved, or an ERROR template surged), or cannot tell: without requests in both ranges there is
    /// nothing to compare.
    /// </summary>
    public static bool Sustained(ServiceEvidence found) =>
        found.Requests.Calls == 0 || found.Requests.BaselineCalls == 0 || Shifted(found.Requests) || found.Callees.Any(e => Shifted(e.Stats)) || found.Paths.Length > 0 || found.Metrics.Length > 0 ||
        found.Templates.Any(t => t.Severity is "ERROR" or "FATAL");

    /// <summary>In [0, 1): 0.5 for a doubled p99 or a 10-point error rise, approaching 1 for larger shifts.</summary>
    public static double Strength(ShiftStats stats)
    {
        double latency = stats.BaselineP99Ms > 0 && stats.P99Ms > stats.BaselineP99Ms ? 1 - (stats.BaselineP99Ms / stats.P99Ms) : 0;
        double errors = Math.Max(0, stats.ErrorRatio - stats.BaselineErrorRatio);
        return Math.Max(latency, errors / (errors + 0.1));
    }

    public static string Summary(ShiftStats stats)
    {
        var parts = new List<string>(2);
        if (stats.BaselineP99Ms > 0 && stats.P99Ms >= LatencyFactor * stats.BaselineP99Ms)
        {
            parts.Add($"p99 {Ms(stats.BaselineP99Ms)} -> {Ms(stats.P99Ms)}");
        }

        if (stats.ErrorRatio - stats.BaselineErrorRatio >= ErrorRise)
        {
            parts.Add($"errors {Percent(stats.BaselineErrorRatio)} -> {Percent(stats.ErrorRatio)}");
        }

        return parts.Count == 0 ? "no shift" : string.Join(", ", parts) + $" ({stats.Calls.ToString(CultureInfo.InvariantCulture)} calls)";
    }

    /// <summary>Adds the service's own shifts and its surging log templates to its evidence; returns their score (a quarter for a surging template of level ERROR or worse).</summary>
    public static double Describe(ServiceEvidence found, List<Evidence> evidence)
    {
        if (Shifted(found.Requests))
        {
            evidence.Add(new("requests", $"its requests: {Summary(found.Requests)}", found.Requests.P99Ms, found.Requests.BaselineP99Ms));
        }

        foreach (RequestTrace trace in found.Traces)
        {
            // Links to what backs the figures, adding nothing to the score: the request counts already did.
            evidence.Add(new("trace", TraceSummary(trace), trace.DurationMs, null) { TraceId = trace.TraceId });
        }

        foreach (EdgeShift edge in found.Callees.Where(e => Shifted(e.Stats)))
        {
            evidence.Add(new("edge", $"its calls to {edge.Server}: {Summary(edge.Stats)}", edge.Stats.P99Ms, edge.Stats.BaselineP99Ms));
        }

        double score = 0;
        if (found.Paths.Length > 0)
        {
            // A changed code path is local: a callee's fault reaches a caller as latency or an error, and changes the
            // caller's paths only where it handles that error.
            PathShift strongest = found.Paths[0];
            score += strongest.Surprise / (strongest.Surprise + PathHalfScore);
            foreach (PathShift path in found.Paths)
            {
                evidence.Add(new("paths", $"code path changed: after \"{path.From}\", \"{path.To}\" followed {path.Followed} of {path.Lines} spans ({Percent((double)path.Followed / path.Lines)}), usually {Percent(path.UsualShare)}", (double)path.Followed / path.Lines, path.UsualShare));
            }
        }

        if (found.Metrics.Length > 0)
        {
            double deviation = Math.Abs(found.Metrics[0].Deviation);
            score += 0.5 * deviation / (deviation + MetricHalfScore);
            foreach (MetricShift metric in found.Metrics)
            {
                evidence.Add(new("metrics", $"{metric.Name}: {Number(metric.Mean)} in the incident, usually {Number(metric.BaselineMedian)} ({Number(metric.Deviation)} spreads)", metric.Mean, metric.BaselineMedian));
            }
        }

        double templateScore = 0;
        foreach (TemplateShift template in found.Templates)
        {
            evidence.Add(new("logs", $"log template \"{template.Template}\" ({template.Severity}): {template.Count} in the incident, {template.BaselineCount} before", template.Count, template.BaselineCount)
            {
                TemplateId = template.Id,
            });
            if (template.Severity is "ERROR" or "FATAL")
            {
                templateScore = 0.25;
            }
        }

        return score + templateScore;
    }

    private static string TraceSummary(RequestTrace trace) => trace.Failed
        ? $"trace of a failed request: {trace.Operation}, {Ms(trace.DurationMs)}, ended {trace.End.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}"
        : $"trace of its slowest request: {trace.Operation}, {Ms(trace.DurationMs)}, ended {trace.End.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} (kept when its root was slow too)";

    private static string Number(double value) => value.ToString(Math.Abs(value) >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture);

    private static string Ms(double ms) => ms.ToString(ms >= 100 ? "0" : "0.#", CultureInfo.InvariantCulture) + " ms";

    internal static string Percent(double ratio) => (ratio * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
