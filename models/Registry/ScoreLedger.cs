using System.Globalization;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Registry;

/// <summary>
/// The score reports of <see cref="ModelRegistryState"/>: applies batches (checked whole before any is applied),
/// raises retrain recommendations when a version's scores drift (<see cref="DriftRule"/>), summarises them, and keeps
/// them bounded.
/// </summary>
/// <param name="archivedScoresPerModel">
/// Archived versions per model whose scores are kept, the most recent by number; older archived versions' scores are
/// dropped by <see cref="Prune"/>. Versions in another stage always keep theirs.
/// </param>
public sealed class ScoreLedger(ModelRegistryState state, RegistryLimits limits, DriftRule rule, int archivedScoresPerModel)
{
    /// <summary>The <c>who</c> of the audit entries the registry writes itself.</summary>
    public const string RegistryWho = "registry";

    public DriftRule Rule => rule;

    public static string KeyOf(string model, int version) => string.Create(CultureInfo.InvariantCulture, $"{model}/{version}");

    public ScoreBatchOutcome Apply(IReadOnlyList<ModelScoreReport?> reports, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var problems = new List<string>();
        var wellFormed = new List<ModelScoreReport>(reports.Count);
        foreach (var report in reports)
        {
            if (ScoreReportCheck.Problem(report) is { } problem)
            {
                problems.Add(problem);
            }
            else
            {
                wellFormed.Add(report!);
            }
        }

        state.RefusedScoreReports += problems.Count;
        int applied = 0;
        var recommendations = new List<RetrainRecommended>();
        foreach (var report in wellFormed)
        {
            if (state.Models.GetValueOrDefault(report.Model) is not { } model || model.Find(report.Version) is not { } version)
            {
                continue;
            }

            string key = KeyOf(report.Model, report.Version);
            if (!state.Scores.TryGetValue(key, out var scores))
            {
                state.Scores[key] = scores = new VersionScores();
            }

            applied++;
            bool inService = version.Stage is ModelStage.Production or ModelStage.Shadow;
            if (scores.Add(report, inService, rule, now))
            {
                recommendations.Add(Recommend(model, version, scores, now));
            }
        }

        return new ScoreBatchOutcome(applied, wellFormed.Count - applied, [.. problems], [.. recommendations]);
    }

    /// <summary>Every scored version of <paramref name="model"/>, by number.</summary>
    public VersionScoreSummary[] Summaries(RegisteredModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return [.. model.Versions
            .Where(v => state.Scores.ContainsKey(KeyOf(model.Name, v.Number)))
            .Select(v => state.Scores[KeyOf(model.Name, v.Number)].Summary(v.Number, rule))];
    }

    /// <summary>Drops the scores of versions the registry no longer holds and of archived versions beyond the limit.</summary>
    /// <returns>How many versions' scores were dropped.</returns>
    public int Prune()
    {
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var model in state.Models.Values)
        {
            var scored = model.Versions.Where(v => state.Scores.ContainsKey(KeyOf(model.Name, v.Number))).ToArray();
            foreach (var version in scored.Where(v => v.Stage != ModelStage.Archived))
            {
                keep.Add(KeyOf(model.Name, version.Number));
            }

            foreach (var version in scored.Where(v => v.Stage == ModelStage.Archived).OrderByDescending(v => v.Number).Take(archivedScoresPerModel))
            {
                keep.Add(KeyOf(model.Name, version.Number));
            }
        }

        var dropped = state.Scores.Keys.Where(k => !keep.Contains(k)).ToArray();
        foreach (var key in dropped)
        {
            state.Scores.Remove(key);
        }

        return dropped.Length;
    }

    private RetrainRecommended Recommend(RegisteredModel model, ModelVersion version, VersionScores scores, DateTimeOffset now)
    {
        double psi = scores.Psi!.Value;
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"retrain recommended: score PSI {psi:F3} above {rule.PsiBound:0.###} (reference {scores.ReferenceWindows} windows, recent {scores.RecentWindows})");
        model.Audit.Append(new AuditEntry(now, RegistryWho, AuditAction.RetrainRecommended, version.Number, version.Stage, version.Stage, reason),
            limits.MaxAuditEntriesPerModel);
        return new RetrainRecommended(model.Name, version.Number, psi, rule.PsiBound, scores.ReferenceWindows, scores.RecentWindows, now);
    }
}
