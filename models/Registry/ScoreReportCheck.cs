using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Registry;

/// <summary>What makes a <see cref="ModelScoreReport"/> malformed, in one line, before any of its batch is applied.</summary>
public static class ScoreReportCheck
{
    /// <summary>
    /// Null for a well-formed report. Bins may hold fewer scores than <see cref="ModelScoreReport.Windows"/> (a model
    /// may score a window with no opinion yet), never more; a shadow compares at most one verdict per window.
    /// </summary>
    public static string? Problem(ModelScoreReport? report)
    {
        if (report is null)
        {
            return "a score report is null";
        }

        var what = $"score report of model '{report.Model}' version {report.Version}";
        if (ModelName.Problem(report.Model) is { } name)
        {
            return $"score report: {name}";
        }

        if (report.Version < 1)
        {
            return $"{what}: version must be 1 or more";
        }

        if (report.ScoreBins is null || report.ScoreBins.Length != ModelScoreReport.Bins)
        {
            return $"{what}: {report.ScoreBins?.Length ?? 0} score bins instead of {ModelScoreReport.Bins}";
        }

        if (report.Windows < 0 || report.ComparedWithProduction < 0 || report.AgreedWithProduction < 0 || report.ScoreBins.Any(b => b < 0))
        {
            return $"{what}: negative count";
        }

        long binned = 0;
        foreach (long bin in report.ScoreBins)
        {
            // Checked: a sum past long.MaxValue is malformed, not a wrapped negative.
            if (bin > long.MaxValue - binned)
            {
                return $"{what}: score bins overflow";
            }

            binned += bin;
        }

        if (binned > report.Windows)
        {
            return $"{what}: {binned} scores in the bins but {report.Windows} windows";
        }

        if (report.ComparedWithProduction > report.Windows)
        {
            return $"{what}: {report.ComparedWithProduction} verdicts compared but {report.Windows} windows";
        }

        return report.AgreedWithProduction > report.ComparedWithProduction
            ? $"{what}: {report.AgreedWithProduction} verdicts agreed but {report.ComparedWithProduction} compared"
            : null;
    }
}
