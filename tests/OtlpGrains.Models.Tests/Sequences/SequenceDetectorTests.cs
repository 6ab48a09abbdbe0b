using OtlpGrains.Models.Detection;
using Xunit;
using Xunit.Abstractions;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Tests.Sequences;

public sealed class SequenceDetectorTests(ITestOutputHelper output)
{
    public static TheoryData<string> Kinds => [.. TrainedModels.Kinds];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void FindsASpikeAndALevelShiftWithinTwoWindowsAndStaysLowOnTheCleanPart(string kind)
    {
        IAnomalyModel model = TrainedModels.UnivariateOf(kind);
        // Another seed than training: the clean part is new data from the same process.
        double[][] series = SyntheticSeries.Seasonal(600, seed: 9, spikeAt: 400, shiftFrom: 500);

        double[] scores = TrainedModels.ScoreAll(model, series);

        double clean = scores[80..400].Max();
        double spike = scores[400..402].Max();
        double shift = scores[500..502].Max();
        output.WriteLine($"{kind}: clean max {clean:F3} at {Array.IndexOf(scores, clean)}, spike {spike:F3}, level shift {shift:F3}");
        // Found: a threshold exists that the anomaly passes within two windows and the clean part never reaches,
        // with a margin of half the clean maximum.
        Assert.True(clean < 0.5, $"clean part scored up to {clean:F3}");
        Assert.True(spike >= 1.5 * clean, $"the spike scored {spike:F3}, the clean part up to {clean:F3}");
        Assert.True(shift >= 1.5 * clean, $"the level shift scored {shift:F3}, the clean part up to {clean:F3}");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void FindsAnErrorAndTailLatencyFaultInRedWindowsAndNamesIt(string kind)
    {
        IAnomalyModel model = TrainedModels.RedOf(kind);
        double[][] series = SyntheticSeries.Red(300, seed: 11, faultFrom: 250);
        DetectorState state = model.NewState();
        var scores = new List<AnomalyScore>();
        for (int t = 0; t < series.Length; t++)
        {
            scores.Add(model.Score(state, t, series[t]));
        }

        double clean = scores[80..250].Max(s => s.Score);
        AnomalyScore fault = scores[250..252].MaxBy(s => s.Score);
        output.WriteLine($"{kind}: clean max {clean:F3}, fault {fault.Score:F3} [{string.Join(", ", fault.SignalScores.Select(s => s.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}]");
        Assert.True(clean < 0.5, $"clean part scored up to {clean:F3}");
        Assert.True(fault.Score >= 1.5 * clean, $"the fault scored {fault.Score:F3}, the clean part up to {clean:F3}");
        int top = Array.IndexOf(fault.SignalScores, fault.SignalScores.Max());
        Assert.True(top is 1 or 4, $"the top signal is {FeatureSchema.Red.Signals[top]}, not errorRatio or p99");
    }

    [Fact]
    public void WarmsUpWithoutOpinionAndRefusesAStateOfAnotherKind()
    {
        IAnomalyModel lstm = TrainedModels.UnivariateOf("lstm-ae");
        IAnomalyModel pca = TrainedModels.UnivariateOf("mlnet-pca");
        AnomalyScore first = lstm.Score(lstm.NewState(), 0, [100.0]);
        Assert.Equal(0, first.Score);
        Assert.True(double.IsNaN(first.SignalScores[0]));
        var error = Assert.Throws<ArgumentException>(() => pca.Score(lstm.NewState(), 0, [100.0]));
        Assert.Contains("lstm-ae state", error.Message, StringComparison.Ordinal);
    }
}
