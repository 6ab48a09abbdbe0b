using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Context;
using Xunit;

namespace OtlpGrains.Models.Tests.Detection.Context;

/// <summary>The contextual detector on small synthetic series: what it finds, what it stays quiet on, and its rest.</summary>
public sealed class ContextModelTests
{
    private const int Period = 20;

    private static readonly ContextModel Model = new(FeatureSchema.Univariate, ContextOptions.Default);

    // A sawtooth of period 20 between 10 and 29 with a little deterministic jitter: a rhythm the detector can learn.
    private static double Sawtooth(int t) => 10 + (t % Period) + (0.2 * Math.Sin(t * 1.7));

    private static double[] Run(ContextModel model, DetectorState state, Func<int, double> series, int from, int to)
    {
        var scores = new double[to - from];
        for (int t = from; t < to; t++)
        {
            scores[t - from] = model.Score(state, t, [series(t)]).Score;
        }

        return scores;
    }

    [Fact]
    public void SaysNothingDuringWarmUp()
    {
        DetectorState state = Model.NewState();
        for (int t = 0; t < ContextOptions.Default.WarmUpWindows; t++)
        {
            AnomalyScore score = Model.Score(state, t, [Sawtooth(t)]);
            Assert.Equal(0, score.Score);
            Assert.True(double.IsNaN(score.SignalScores[0]), $"window {t} had an opinion during the warm-up");
        }

        Assert.False(double.IsNaN(Model.Score(state, 150, [Sawtooth(150)]).SignalScores[0]));
    }

    [Fact]
    public void StaysQuietOnALearnedRhythmAndFlagsAValueOutsideItsRange()
    {
        DetectorState state = Model.NewState();
        double[] clean = Run(Model, state, Sawtooth, 0, 1500);
        Assert.True(clean.Max() < ContextOptions.Default.AlarmNovelty, $"the clean rhythm scored {clean.Max()}");
        // The rhythm is familiar, not merely below the alarm: most windows score 0.
        Assert.True(clean.Skip(200).Count(s => s == 0) > 1200, "the learned rhythm did not settle to 0");

        Assert.Equal(1.0, Model.Score(state, 1500, [80.0]).Score);
    }

    [Fact]
    public void FlagsAKnownValueReachedInAnUnheardWay()
    {
        DetectorState state = Model.NewState();
        Run(Model, state, Sawtooth, 0, 1500);

        // The sawtooth runs backwards: every value is in range and seen thousands of times, only the order is new.
        double[] reversed = Run(Model, state, t => Sawtooth(3000 - t), 1500, 1502);
        Assert.True(reversed.Max() >= ContextOptions.Default.AlarmNovelty, $"the reversed rhythm scored at most {reversed.Max()}");
    }

    [Fact]
    public void RestsAfterAnAlarmAndKeepsLearning()
    {
        var options = ContextOptions.Default with { RestWindows = 30 };
        var model = new ContextModel(FeatureSchema.Univariate, options);
        DetectorState state = model.NewState();
        Run(model, state, Sawtooth, 0, 1000);

        Assert.Equal(1.0, model.Score(state, 1000, [100.0]).Score);
        // Wilder still, but inside the rest: the onset was reported, the rest of the incident is not.
        double[] during = Run(model, state, _ => 500.0, 1001, 1001 + options.RestWindows);
        Assert.All(during, s => Assert.Equal(0, s));

        // After the rest a new extreme alarms again.
        Assert.Equal(1.0, model.Score(state, 2000, [5000.0]).Score);
    }

    [Fact]
    public void ARhythmStaysNormalAfterTheRangeGrows()
    {
        DetectorState state = Model.NewState();
        Run(Model, state, Sawtooth, 0, 1000);
        Assert.Equal(1.0, Model.Score(state, 1000, [40.0]).Score);

        // The range now reaches 40: the bins are recut and the relearned rhythm is still familiar after the rest.
        double[] after = Run(Model, state, Sawtooth, 1001, 1400);
        Assert.True(after.Max() < ContextOptions.Default.AlarmNovelty, $"the rhythm scored {after.Max()} after the range grew");
    }

    [Fact]
    public void SeveralResolutionsScoreTheMeanOfEachAlone()
    {
        var options = ContextOptions.Default with { Resolutions = 3, RestWindows = 20 };
        Assert.Equal([5, 8, 12], options.ResolutionBins());
        var several = new ContextModel(FeatureSchema.Univariate, options);
        ContextModel[] alone = [.. options.ResolutionBins().Select(b => new ContextModel(FeatureSchema.Univariate, options with { Resolutions = 1, Bins = b }))];
        DetectorState state = several.NewState();
        DetectorState[] states = [.. alone.Select(m => m.NewState())];

        // A rhythm, then a wider one that grows the range twice and breaks the pattern.
        static double Series(int t) => t < 800 ? Sawtooth(t) : 10 + (1.7 * (t % 13));
        bool graded = false;
        for (int t = 0; t < 1200; t++)
        {
            double expected = alone.Select((m, i) => m.Score(states[i], t, [Series(t)]).Score).Average();
            double actual = several.Score(state, t, [Series(t)]).Score;
            Assert.Equal(expected, actual, 12);
            graded |= actual is > 0 and < 1 && actual != 0.5;
        }

        Assert.True(graded, "the resolutions never disagreed");
    }

    [Fact]
    public void MissingValuesHaveNoOpinionAndAreNotLearned()
    {
        DetectorState a = Model.NewState();
        DetectorState b = Model.NewState();
        for (int t = 0; t < 400; t++)
        {
            Model.Score(a, t, [Sawtooth(t)]);
            Model.Score(b, t, [Sawtooth(t)]);
            if (t % 50 == 0)
            {
                AnomalyScore missing = Model.Score(b, t, [double.NaN]);
                Assert.True(double.IsNaN(missing.SignalScores[0]));
                Assert.Equal(0, missing.Score);
            }
        }

        Assert.Equal(Run(Model, a, Sawtooth, 400, 500), Run(Model, b, Sawtooth, 400, 500));
    }

    [Fact]
    public void JudgesEachRedSignalAndOnlyRisesOfErrorsAndLatency()
    {
        // No rest: this is about each signal's judgement, not about an earlier alarm muting it.
        var model = new ContextModel(FeatureSchema.Red, ContextOptions.Default with { RestWindows = 0 });
        DetectorState state = model.NewState();
        var service = new SyntheticRed(seed: 21);
        for (int w = 0; w < 2 * SyntheticRed.WindowsPerDay; w++)
        {
            model.Score(state, SyntheticRed.StartOf(w), service.Window(w));
        }

        int now = 2 * SyntheticRed.WindowsPerDay;
        double[] window = service.Window(now);
        window[1] = 0.5;
        AnomalyScore burst = model.Score(state, SyntheticRed.StartOf(now), window);
        Assert.Equal(5, burst.SignalScores.Length);
        Assert.Equal(1.0, burst.SignalScores[1]);
        Assert.Equal(1.0, burst.Score);

        // p99 falling to a level never seen is good news for a latency; the request rate falling so far is not.
        window = service.Window(now + 1);
        window[0] = 0.01;
        window[4] = 0.0001;
        AnomalyScore drop = model.Score(state, SyntheticRed.StartOf(now + 1), window);
        Assert.Equal(0, drop.SignalScores[4]);
        Assert.Equal(1.0, drop.SignalScores[0]);
    }

    [Fact]
    public void FollowsExtraSignalsOfAnOpenEndedSchemaUpToTheCap()
    {
        var model = new ContextModel(FeatureSchema.Red, ContextOptions.Default with { MaxSignals = 6 });
        var state = (ContextState)model.NewState();
        AnomalyScore score = model.Score(state, 0, [1, 0, 1, 2, 3, 7, 8]);
        Assert.Equal(6, state.SignalCount);
        Assert.Equal(7, score.SignalScores.Length);
        Assert.True(double.IsNaN(score.SignalScores[6]));
    }

    [Fact]
    public void RefusesAStateOfAnotherKind()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Model.Score(new Models.Detection.Baseline.BaselineModel(FeatureSchema.Univariate, Models.Detection.Baseline.BaselineOptions.Default).NewState(), 0, [1.0]));
        Assert.Contains("baseline", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 8, 4, 4096, "WarmUpWindows")]
    [InlineData(150, 1, 4, 4096, "Bins")]
    [InlineData(150, 8, 0, 4096, "MaxOrder")]
    [InlineData(150, 8, 4, 3000, "TableCapacity")]
    [InlineData(150, 2, 4, 4096, "Bins and ResolutionStep", 3)]
    [InlineData(150, 8, 4, 4096, "Resolutions", 10)]
    public void RefusesBadOptionsWithOneLine(int warmUp, int bins, int order, int capacity, string named, int resolutions = 1)
    {
        var options = new ContextOptions { WarmUpWindows = warmUp, Bins = bins, MaxOrder = order, TableCapacity = capacity, Resolutions = resolutions };
        var error = Assert.Throws<ArgumentException>(() => new ContextModel(FeatureSchema.Univariate, options));
        Assert.StartsWith(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
