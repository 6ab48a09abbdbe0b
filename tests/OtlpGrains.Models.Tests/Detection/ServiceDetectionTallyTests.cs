using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Thresholds;
using Xunit;

namespace OtlpGrains.Models.Tests.Detection;

/// <summary>The per-silo tally of scores: per version, shadow agreement counted, built-in left out, returns merged.</summary>
public sealed class ServiceDetectionTallyTests
{
    private static readonly AnomalyModelRef V1 = new("red", 1);
    private static readonly AnomalyModelRef V2 = new("red", 2);

    [Fact]
    public void CountsProductionAndShadowPerVersion()
    {
        var tally = new ServiceDetectionTally();
        tally.Add(
        [
            Outcome(V1, 0.12, anomalous: false, new ShadowOutcome(V2, 0.31, HasOpinion: true, Agreed: true)),
            Outcome(V1, 0.97, anomalous: true, new ShadowOutcome(V2, 0.40, HasOpinion: true, Agreed: false)),
            Outcome(AnomalyModelRef.Builtin, 0.5, anomalous: false, null),
            Outcome(V1, 0, anomalous: false, new ShadowOutcome(V2, 0, HasOpinion: false, Agreed: true), hasOpinion: false),
        ]);

        ModelScoreReport[] reports = tally.Take();
        Assert.Equal(2, reports.Length);
        ModelScoreReport v1 = reports[0];
        ModelScoreReport v2 = reports[1];
        // The warm-up window counts as a window but is in no bin.
        Assert.Equal((1, 3L, 0L, 0L), (v1.Version, v1.Windows, v1.ComparedWithProduction, v1.AgreedWithProduction));
        Assert.Equal(1, v1.ScoreBins[ModelScoreReport.BinOf(0.12)]);
        Assert.Equal(1, v1.ScoreBins[ModelScoreReport.BinOf(0.97)]);
        Assert.Equal(2, v1.ScoreBins.Sum());
        Assert.Equal((2, 3L, 3L, 2L), (v2.Version, v2.Windows, v2.ComparedWithProduction, v2.AgreedWithProduction));
        Assert.Equal(2, v2.ScoreBins.Sum());
        Assert.Empty(tally.Take());
    }

    [Fact]
    public void ReturnedReportsGoWithTheNextTake()
    {
        var tally = new ServiceDetectionTally();
        tally.Add([Outcome(V1, 0.1, anomalous: false, new ShadowOutcome(V2, 0.1, HasOpinion: true, Agreed: true))]);
        ModelScoreReport[] failed = tally.Take();
        tally.Add([Outcome(V1, 0.9, anomalous: true, null)]);
        tally.Return(failed);

        ModelScoreReport[] next = tally.Take();
        Assert.Equal((2L, 2L), (next[0].Windows, next[0].ScoreBins.Sum()));
        Assert.Equal((1L, 1L, 1L), (next[1].Windows, next[1].ComparedWithProduction, next[1].AgreedWithProduction));
    }

    private static SignalOutcome Outcome(AnomalyModelRef model, double score, bool anomalous, ShadowOutcome? shadow, bool hasOpinion = true) => new(
        model,
        new AnomalyVerdict(anomalous ? AnomalySeverity.Critical : AnomalySeverity.None, score, 0.9, []),
        hasOpinion,
        shadow);
}
