using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Resonance;
using Xunit;

namespace OtlpGrains.Models.Tests.Detection.Resonance;

/// <summary>The resonance detector on small synthetic series: its warm-up, what it finds, what it stays quiet on.</summary>
public sealed class ResonanceModelTests
{
    private static readonly ResonanceOptions Options = ResonanceOptions.Default;

    private static readonly ResonanceModel Model = new(FeatureSchema.Univariate, Options);

    private static readonly int WarmUpWindows = Options.WarmUpPoints * Options.Step;

    // A wave of period 40 windows around 100 with a little deterministic jitter: a rhythm the categories can learn.
    private static double Wave(int t) => 100 + (20 * Math.Sin(2 * Math.PI * t / 40)) + (0.5 * Math.Sin(t * 1.7));

    private static double[] Run(DetectorState state, Func<int, double> series, int from, int to)
    {
        var scores = new double[to - from];
        for (int t = from; t < to; t++)
        {
            scores[t - from] = Model.Score(state, t, [series(t)]).Score;
        }

        return scores;
    }

    [Fact]
    public void SaysNothingDuringWarmUp()
    {
        DetectorState state = Model.NewState();
        for (int t = 0; t < WarmUpWindows; t++)
        {
            AnomalyScore score = Model.Score(state, t, [Wave(t)]);
            Assert.Equal(0, score.Score);
            Assert.True(double.IsNaN(score.SignalScores[0]), $"window {t} had an opinion during the warm-up");
        }

        Assert.False(double.IsNaN(Model.Score(state, WarmUpWindows, [Wave(WarmUpWindows)]).SignalScores[0]));
    }

    [Fact]
    public void StaysQuietOnALearnedRhythmAndFindsASpikeWithinTwoWindows()
    {
        DetectorState state = Model.NewState();
        double[] clean = Run(state, Wave, 0, 3000);
        // The clean part after the first stretch of learning: no alarm at all.
        Assert.All(clean.Skip(1000), s => Assert.Equal(0, s));

        double[] spike = Run(state, t => t == 3000 ? 400 : Wave(t), 3000, 3002);
        Assert.True(spike.Max() > 0.5, $"the spike scored at most {spike.Max()}");
    }

    [Fact]
    public void FindsANewShapeInsideTheRangeWithinTwoWindows()
    {
        DetectorState state = Model.NewState();
        double[] clean = Run(state, Wave, 0, 3000);
        Assert.All(clean.Skip(1000), s => Assert.Equal(0, s));

        // The level drops to the bottom of the range and stays flat: every value has been seen, the shape has not.
        double[] flat = Run(state, _ => 80.0, 3010, 3012);
        Assert.True(flat.Max() > 0, "a flat line at the bottom of the wave went unnoticed");
    }

    [Fact]
    public void ARhythmStaysNormalAfterTheRangeGrows()
    {
        DetectorState state = Model.NewState();
        Run(state, Wave, 0, 2000);
        Assert.True(Run(state, t => t == 2000 ? 300 : Wave(t), 2000, 2002).Max() > 0);

        // The categories were mapped into the wider range: the wave is still known once the spike has left the shapes.
        double[] after = Run(state, Wave, 2002, 3500);
        Assert.All(after.Skip(300), s => Assert.Equal(0, s));
    }

    [Fact]
    public void KeepsAtMostItsCategories()
    {
        var small = new ResonanceModel(FeatureSchema.Univariate, Options with { MaxCategories = 16 });
        var state = (ResonanceState)small.NewState();
        var random = new Random(5);
        for (int t = 0; t < 5000; t++)
        {
            small.Score(state, t, [random.NextDouble() * random.NextDouble() * 100]);
        }

        Assert.Equal(16, state.Signals(1, small.Options)[0].Categories);
    }

    [Fact]
    public void MissingValuesHaveNoOpinionAndAreNotLearned()
    {
        DetectorState state = Model.NewState();
        DetectorState twin = Model.NewState();
        for (int t = 0; t < 1500; t++)
        {
            Assert.True(double.IsNaN(Model.Score(state, t, [double.NaN]).SignalScores[0]));
            Model.Score(state, t, [Wave(t)]);
            Model.Score(twin, t, [Wave(t)]);
        }

        Assert.Equal(Model.Score(twin, 1500, [400.0]), Model.Score(state, 1500, [400.0]), (a, b) => a.Score == b.Score);
    }

    [Fact]
    public void AnErrorRatioThatFallsDoesNotAlarm()
    {
        var red = new ResonanceModel(FeatureSchema.Red, Options);
        DetectorState state = red.NewState();
        for (int t = 0; t < 3000; t++)
        {
            red.Score(state, t, [Wave(t), 0.02 + (0.01 * Math.Sin(t * 0.3)), 50, 80, 120]);
        }

        double[] falling = [.. Enumerable.Range(3000, 4).Select(t => red.Score(state, t, [Wave(t), 0.0, 50, 80, 120]).SignalScores[1])];
        Assert.All(falling, s => Assert.Equal(0, s));
    }

    [Theory]
    [InlineData(0, 8, "Step must be in [1, 1000], got 0")]
    [InlineData(2, 12, "Window must be a power of two in [2, 64], got 12")]
    public void RefusesBadOptionsInOneLine(int step, int window, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new ResonanceModel(FeatureSchema.Univariate, Options with { Step = step, Window = window }));
        Assert.Equal(message, e.Message);
    }
}
