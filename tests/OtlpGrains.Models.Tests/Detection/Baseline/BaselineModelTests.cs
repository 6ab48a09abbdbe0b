using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Baseline;
using Xunit;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Tests.Detection.Baseline;

public sealed class BaselineModelTests
{
    private const long Minute = 60_000_000_000;

    [Fact]
    public void FollowsSignalsThatAppearLaterUpToTheCap()
    {
        var model = new BaselineModel(FeatureSchema.Red, BaselineOptions.Default with { MaxSignals = 7 });
        var state = (BaselineState)model.NewState();
        model.Score(state, 0, [1, 0, 2, 3, 4]);
        Assert.Equal(5, state.SignalCount);

        // A service's metric series join the vector: followed up to the cap, the rest get no opinion.
        AnomalyScore score = model.Score(state, Minute, [1, 0, 2, 3, 4, 10, 20, 30, 40]);
        Assert.Equal(7, state.SignalCount);
        Assert.Equal(9, score.SignalScores.Length);
        Assert.True(double.IsNaN(score.SignalScores[7]) && double.IsNaN(score.SignalScores[8]));
    }

    [Theory]
    [InlineData(0, -60, true)] // traffic drops: news
    [InlineData(0, 60, true)] // traffic spikes: news
    [InlineData(1, 0.4, true)] // errors rise
    [InlineData(1, -0.04, false)] // errors fall: good news
    [InlineData(3, 150, true)] // p95 rises
    [InlineData(3, -40, false)] // p95 falls: good news
    public void RedWindowsJudgeErrorsAndLatencyUpwardsOnlyAndTheRateBothWays(int signal, double change, bool flagged)
    {
        var model = new BaselineModel(FeatureSchema.Red, BaselineOptions.Default);
        DetectorState state = model.NewState();
        var random = new Random(3);
        double[] Normal() => [100 + (4 * random.NextDouble()), 0.05 + (0.01 * random.NextDouble()), 20 + random.NextDouble(), 50 + (2 * random.NextDouble()), 80 + (3 * random.NextDouble())];
        for (int w = 0; w < 300; w++)
        {
            model.Score(state, w * Minute, Normal());
        }

        double[] changed = Normal();
        changed[signal] += change;
        AnomalyScore score = model.Score(state, 300 * Minute, changed);

        Assert.Equal(flagged, score.SignalScores[signal] > 0.5);
    }

    [Fact]
    public void ARedLatencyComingBackFromADipIsNoNews()
    {
        var model = new BaselineModel(FeatureSchema.Red, BaselineOptions.Default);
        DetectorState state = model.NewState();
        var random = new Random(5);
        double[] Normal(double p95) => [100 + (4 * random.NextDouble()), 0.05, 20 + random.NextDouble(), p95, 80 + (3 * random.NextDouble())];
        for (int w = 0; w < 300; w++)
        {
            model.Score(state, w * Minute, Normal(50 + (2 * random.NextDouble())));
        }

        AnomalyScore dip = model.Score(state, 300 * Minute, Normal(10));
        AnomalyScore back = model.Score(state, 301 * Minute, Normal(51));
        AnomalyScore rise = model.Score(state, 302 * Minute, Normal(150));

        Assert.True(dip.SignalScores[3] < 0.5, $"dip scored {dip.SignalScores[3]}");
        Assert.True(back.SignalScores[3] < 0.5, $"the step back up scored {back.SignalScores[3]}");
        Assert.True(rise.SignalScores[3] > 0.5, $"a real rise scored {rise.SignalScores[3]}");
    }

    [Fact]
    public void ClosedSchemaIgnoresExtraValues()
    {
        var model = new BaselineModel(FeatureSchema.Univariate, BaselineOptions.Default);
        var state = (BaselineState)model.NewState();
        for (int w = 0; w < 50; w++)
        {
            model.Score(state, w * Minute, [10 + (w % 3), 999]);
        }

        Assert.Equal(1, state.SignalCount);
    }

    [Fact]
    public void MissingValuesHaveNoOpinionAndDoNotDisturbTheOthers()
    {
        var model = new BaselineModel(FeatureSchema.Red, BaselineOptions.Default);
        DetectorState withGaps = model.NewState();
        DetectorState ratesOnly = model.NewState();
        var random = new Random(8);
        AnomalyScore last = default;
        for (int w = 0; w < 200; w++)
        {
            double rate = 100 + (5 * random.NextDouble());
            last = model.Score(withGaps, w * Minute, [rate, double.NaN, double.NaN, double.NaN, double.NaN]);
            AnomalyScore reference = model.Score(ratesOnly, w * Minute, [rate]);
            Assert.Equal(reference.SignalScores[0], last.SignalScores[0]);
        }

        Assert.False(double.IsNaN(last.SignalScores[0]));
        Assert.All(last.SignalScores[1..], s => Assert.True(double.IsNaN(s)));
    }

    [Fact]
    public void AlarmsOnceAtTheOnsetOfALastingShiftNotOnEveryWindow()
    {
        var model = new BaselineModel(FeatureSchema.Univariate, BaselineOptions.Default);
        DetectorState state = model.NewState();
        var random = new Random(9);
        var scores = new List<double>();
        for (int w = 0; w < 2000; w++)
        {
            double value = (w < 1500 ? 50 : 80) + (2 * (random.NextDouble() - 0.5));
            scores.Add(model.Score(state, w * Minute, [value]).Score);
        }

        Assert.True(scores[1500] > 0.9, $"onset scored {scores[1500]}");
        Assert.True(scores.Skip(1500 + 10).All(s => s < 0.5), "the shifted level kept alarming");
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(3, false)]
    public void RegularBurstsOnAFlatSignalAlarmUntilTheirSizeIsRemembered(double deviationWeight, bool everyBurstAlarms)
    {
        // Flat between bursts of the same height: the scale learned between them shrinks (a burst is clipped out of
        // it), so each burst is more surprising than the last and outruns the memory kept in nats.
        var model = new BaselineModel(FeatureSchema.Univariate, BaselineOptions.Default with { RoughnessDeviationWeight = deviationWeight });
        DetectorState state = model.NewState();
        var burstScores = new List<double>();
        for (int w = 0; w < 3000; w++)
        {
            bool burst = w % 100 == 0;
            double score = model.Score(state, w * Minute, [burst ? 20 : 0]).Score;
            if (burst && w >= 1000)
            {
                burstScores.Add(score);
            }
        }

        Assert.Equal(everyBurstAlarms, burstScores.All(s => s > 0.5));
        Assert.Equal(everyBurstAlarms, burstScores.Any(s => s > 0.5));

        // Remembered or not, a burst five times the usual one is news.
        Assert.True(model.Score(state, 3000 * Minute, [100]).Score > 0.5, "a far larger burst was not flagged");
    }

    [Fact]
    public void RefusesBadOptionsAndForeignStates()
    {
        var error = Assert.Throws<ArgumentException>(() => new BaselineModel(FeatureSchema.Red, BaselineOptions.Default with { RecentWindows = 2 }));
        Assert.Contains("RecentWindows", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => new BaselineModel(FeatureSchema.Red, BaselineOptions.Default with { RoughnessDeviationWeight = -1 }));
        Assert.Contains("RoughnessDeviationWeight", error.Message, StringComparison.Ordinal);
        var model = new BaselineModel(FeatureSchema.Red, BaselineOptions.Default);
        Assert.Throws<ArgumentException>(() => model.Score(new OtlpGrains.Models.Detection.IsolationForest.IsolationForestState(), 0, [1.0]));
    }
}
