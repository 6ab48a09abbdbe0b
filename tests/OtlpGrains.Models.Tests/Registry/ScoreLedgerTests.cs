using System.Collections.Immutable;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Registry;
using Xunit;

namespace OtlpGrains.Models.Tests.Registry;

/// <summary>Score reports: checked whole, applied, summarised, bounded; drift raises one recommendation per crossing.</summary>
public sealed class ScoreLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);
    private static readonly DriftRule Rule = new(1000, 0.25);

    private readonly ModelRegistryState _state = new();
    private readonly ModelRegistry _registry;
    private readonly ScoreLedger _ledger;

    public ScoreLedgerTests()
    {
        _registry = new ModelRegistry(_state, RegistryLimits.Default);
        _ledger = new ScoreLedger(_state, RegistryLimits.Default, Rule, archivedScoresPerModel: 1);
    }

    [Fact]
    public void MalformedReportsAreRefusedAndCountedAndTheRestApplied()
    {
        Register("m", 2);
        var good = Report("m", 1, Bins((0, 30), (1, 10)));
        var batch = new ModelScoreReport?[]
        {
            good,
            good with { ScoreBins = new long[5] },
            good with { ComparedWithProduction = 5, AgreedWithProduction = 6 },
            good with { Windows = 39 },
            good with { Model = "Bad Name" },
            null,
            good with { Version = 7 },
            Report("m", 2, Bins((19, 3))) with { ComparedWithProduction = 3, AgreedWithProduction = 2 },
        };

        var outcome = _ledger.Apply(batch, T0);

        Assert.Equal((2, 1, 5), (outcome.Applied, outcome.Unknown, outcome.Problems.Length));
        Assert.Equal(5, _state.RefusedScoreReports);
        Assert.Contains(outcome.Problems, p => p.Contains("5 score bins instead of 20", StringComparison.Ordinal));
        Assert.Contains(outcome.Problems, p => p.Contains("40 scores in the bins but 39 windows", StringComparison.Ordinal));
        var summaries = _ledger.Summaries(_registry.Find("m")!);
        Assert.Equal([1, 2], summaries.Select(s => s.Version));
        Assert.Equal(40, summaries[0].Windows);
        Assert.Equal(0.05, summaries[0].P50);
        Assert.Equal(0.1, summaries[0].P99);
        Assert.Null(summaries[0].Agreement);
        Assert.Equal(new ShadowAgreement(2.0 / 3, 3, 2), summaries[1].Agreement);
    }

    [Fact]
    public void ShiftedScoresRecommendARetrainOncePerCrossing()
    {
        Register("m", 1);
        _registry.Promote("m", 1, ModelStage.Production, "bob", "release", T0);
        var calm = Bins((0, 700), (1, 250), (2, 50));
        var shifted = Bins((0, 200), (5, 300), (10, 500));

        Assert.Empty(Feed("m", 1, calm, reports: 10)); // the reference: 1,000 scores
        Assert.Empty(Feed("m", 1, calm, reports: 10)); // a recent period like it
        var stable = _ledger.Summaries(_registry.Find("m")!)[0].Drift;
        Assert.Equal((1000, 1000, 0.0), (stable.ReferenceWindows, stable.RecentWindows, stable.Psi));

        var first = Feed("m", 1, shifted, reports: 10);
        Assert.Empty(Feed("m", 1, shifted, reports: 10)); // still above: not announced again

        var recommendation = Assert.Single(first);
        Assert.Equal(("m", 1, 1000L, 1000L), (recommendation.Model, recommendation.Version, recommendation.ReferenceWindows, recommendation.RecentWindows));
        Assert.True(recommendation.Psi > 2, $"PSI {recommendation.Psi}");
        var audit = _registry.Find("m")!.Audit.Entries[^1];
        Assert.Equal((AuditAction.RetrainRecommended, ScoreLedger.RegistryWho, (ModelStage?)ModelStage.Production), (audit.Action, audit.Who, audit.From));
        Assert.StartsWith("retrain recommended: score PSI", audit.Reason, StringComparison.Ordinal);
        var drift = _ledger.Summaries(_registry.Find("m")!)[0].Drift;
        Assert.True(drift.RetrainRecommended);
        Assert.Equal(1, drift.Recommendations);

        // Back under the bound, then above again: a second crossing, a second recommendation.
        Assert.Empty(Feed("m", 1, calm, reports: 10));
        Assert.False(_ledger.Summaries(_registry.Find("m")!)[0].Drift.RetrainRecommended);
        Assert.Single(Feed("m", 1, shifted, reports: 10));
        Assert.Equal(2, _ledger.Summaries(_registry.Find("m")!)[0].Drift.Recommendations);
    }

    [Fact]
    public void ScoresDrawnFromOneDistributionRecommendNothing()
    {
        Register("m", 1);
        _registry.Promote("m", 1, ModelStage.Shadow, "bob", "try it", T0);
        var random = new Random(7);
        var recommendations = new List<RetrainRecommended>();
        for (int report = 0; report < 200; report++)
        {
            // 50 windows a report, scores ~ Beta-like mass near 0 with a tail: the same law throughout.
            var bins = new long[ModelScoreReport.Bins];
            for (int w = 0; w < 50; w++)
            {
                bins[ModelScoreReport.BinOf(Math.Pow(random.NextDouble(), 3))]++;
            }

            recommendations.AddRange(_ledger.Apply([Report("m", 1, bins)], T0.AddSeconds(report)).Recommendations);
        }

        Assert.Empty(recommendations);
        var drift = _ledger.Summaries(_registry.Find("m")!)[0].Drift;
        Assert.NotNull(drift.Psi);
        Assert.InRange(drift.Psi.Value, 0, 0.1);
        Assert.DoesNotContain(_registry.Find("m")!.Audit.Entries, e => e.Action == AuditAction.RetrainRecommended);
    }

    [Fact]
    public void OnlyScoresInServiceFillTheDriftHistograms()
    {
        Register("m", 1);
        Feed("m", 1, Bins((0, 500)), reports: 4); // a candidate: counted, not a drift reference

        var summary = _ledger.Summaries(_registry.Find("m")!)[0];

        Assert.Equal((2000, 0L), (summary.Windows, summary.Drift.ReferenceWindows));
        Assert.Null(summary.Drift.Psi);
    }

    [Fact]
    public void PruneKeepsScoresOfVersionsInUseAndOfTheNewestArchived()
    {
        Register("m", 4);
        for (int v = 1; v <= 4; v++)
        {
            Feed("m", v, Bins((0, 10)), reports: 1);
        }

        _registry.Promote("m", 1, ModelStage.Production, "bob", "r", T0);
        _registry.Promote("m", 2, ModelStage.Production, "bob", "r", T0);
        _registry.Promote("m", 3, ModelStage.Production, "bob", "r", T0); // 1 and 2 archived, 3 production, 4 candidate

        Assert.Equal(1, _ledger.Prune());

        Assert.Equal([2, 3, 4], _ledger.Summaries(_registry.Find("m")!).Select(s => s.Version));
    }

    private List<RetrainRecommended> Feed(string model, int version, long[] bins, int reports)
    {
        var raised = new List<RetrainRecommended>();
        for (int i = 0; i < reports; i++)
        {
            raised.AddRange(_ledger.Apply([Report(model, version, bins)], T0).Recommendations);
        }

        return raised;
    }

    private void Register(string name, int versions)
    {
        for (int i = 0; i < versions; i++)
        {
            var registration = new ModelRegistration("test-constant", FeatureSchema.Red, T0.AddDays(-7), T0,
                ImmutableSortedDictionary<string, double>.Empty, new string('a', 64), 10, "alice", string.Empty);
            Assert.True(_registry.Register(name, registration, T0).Succeeded);
        }
    }

    /// <summary>A report whose windows are exactly its binned scores.</summary>
    private static ModelScoreReport Report(string model, int version, long[] bins) => new(model, version, bins.Sum(), bins, 0, 0);

    private static long[] Bins(params (int Bin, long Count)[] counts)
    {
        var bins = new long[ModelScoreReport.Bins];
        foreach (var (bin, count) in counts)
        {
            bins[bin] = count;
        }

        return bins;
    }
}
