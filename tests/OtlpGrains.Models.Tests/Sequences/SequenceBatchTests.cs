using OtlpGrains.Models.Detection;
using Xunit;

namespace OtlpGrains.Models.Tests.Sequences;

public sealed class SequenceBatchTests
{
    public static TheoryData<string> Kinds => [.. TrainedModels.Kinds];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ABatchScoresEachServiceAsItsOwnCallsWould(string kind)
    {
        var model = (IBatchAnomalyModel)TrainedModels.RedOf(kind);
        const int services = 6;
        double[][][] series = [.. Enumerable.Range(0, services).Select(s => SyntheticSeries.Red(120, seed: 40 + s, faultFrom: s == 2 ? 100 : -1))];
        DetectorState[] batched = [.. Enumerable.Range(0, services).Select(_ => model.NewState())];
        DetectorState[] single = [.. Enumerable.Range(0, services).Select(_ => model.NewState())];
        var results = new AnomalyScore[services];
        double faultScore = 0;
        for (int t = 0; t < 120; t++)
        {
            ReadOnlyMemory<double>[] vectors = [.. series.Select(s => (ReadOnlyMemory<double>)s[t])];
            model.ScoreBatch(batched, Enumerable.Repeat((long)t, services).ToArray(), vectors, results);
            for (int s = 0; s < services; s++)
            {
                AnomalyScore alone = model.Score(single[s], t, series[s][t]);
                // One pass over a batch may sum in another order than a pass over one sequence.
                Assert.Equal(alone.Score, results[s].Score, 4);
            }

            faultScore = Math.Max(faultScore, t >= 100 ? results[2].Score : 0);
        }

        Assert.True(faultScore > 0.3, $"the faulty service peaked at {faultScore:F3}");
    }

    [Fact]
    public void RefusesMismatchedLengths()
    {
        var model = (IBatchAnomalyModel)TrainedModels.RedOf("lstm-ae");
        var error = Assert.Throws<ArgumentException>(() =>
            model.ScoreBatch([model.NewState()], [0, 1], [new double[5]], new AnomalyScore[1]));
        Assert.Contains("same length", error.Message, StringComparison.Ordinal);
    }
}
