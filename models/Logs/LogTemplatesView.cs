using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Services;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Logs;

/// <summary>A service's log templates over a range, as the API gives them.</summary>
public static class LogTemplatesView
{
    public static LogTemplateSummary[] Build(
        ServiceStatistics statistics, LogDetection detection, TemplateExemplars exemplars, DateTimeOffset? from, DateTimeOffset? to)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(detection);
        ArgumentNullException.ThrowIfNull(exemplars);
        return [.. statistics.TemplateCounts(from, to)
            .Select(pair =>
            {
                TemplateInfo info = statistics.Templates.Info(pair.Key);
                return new LogTemplateSummary(
                    info.Id,
                    info.Text,
                    pair.Value,
                    UnixNanos.ToDateTimeOffset(info.FirstSeenUnixNano),
                    UnixNanos.ToDateTimeOffset(info.LastSeenUnixNano),
                    LogSeverity.Names[LogSeverity.IndexOf(info.MaxSeverity)],
                    detection.LastScores.GetValueOrDefault(info.Id),
                    exemplars.Of(info.Id));
            })
            .OrderByDescending(t => t.Score)
            .ThenByDescending(t => t.Count)
            .ThenBy(t => t.Id)];
    }
}
