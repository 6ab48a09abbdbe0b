using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Thresholds;
using Xunit;

namespace OtlpGrains.Models.Tests.Detection.Thresholds;

public sealed class SignalThresholdsTests
{
    [Fact]
    public void VerdictNamesTheDrivingSignalsStrongestFirst()
    {
        var thresholds = new SignalThresholds();
        Calibrate(thresholds, 7, _ => 0);

        // Seven values: the RED five, then two metric series the caller names. Every bar sits at its floors (a
        // warning above 0.5, a critical verdict above 0.75).
        var score = new AnomalyScore(0.9, [0.1, double.NaN, 0.2, 0.7, 0.85, 0.05, 0.95]);
        AnomalyVerdict verdict = AnomalyVerdict.Judge(thresholds, score, FeatureSchema.Red, ["queue.depth", "gc.pause"], SpotOptions.Default);
        Assert.Equal(AnomalySeverity.Critical, verdict.Severity);
        Assert.Equal(["gc.pause", "p99", "p95"], verdict.Signals);
        Assert.Equal(0.95, verdict.Score);
        Assert.Equal(SpotOptions.Default.MinimumCritical, verdict.Threshold);

        // Only a warning on one signal: that signal alone, with its warning bar.
        var faint = new AnomalyScore(0.6, [0.1, 0.2, 0.3, 0.2, 0.1, 0.6, 0.2]);
        AnomalyVerdict warning = AnomalyVerdict.Judge(thresholds, faint, FeatureSchema.Red, ["queue.depth"], SpotOptions.Default);
        Assert.Equal(AnomalySeverity.Warning, warning.Severity);
        Assert.Equal(["queue.depth"], warning.Signals);
        Assert.Equal(SpotOptions.Default.MinimumWarning, warning.Threshold);

        var normal = AnomalyVerdict.Judge(thresholds, new AnomalyScore(0.3, [0.1, 0.2, 0.3, 0.2, 0.1, 0.2, 0.2]), FeatureSchema.Red, null, SpotOptions.Default);
        Assert.False(normal.IsAnomalous);
        Assert.Empty(normal.Signals);
    }

    [Fact]
    public void ARoughSignalRaisesOnlyItsOwnBar()
    {
        // p50 jumps between histogram buckets now and then (scores of 0.99); the error ratio is calm. One threshold on
        // the window's strongest signal is raised by the jumps and misses an error fault scored 0.97.
        var perSignal = new SignalThresholds();
        var windowLevel = new SpotThreshold();
        for (int w = 0; w < 700; w++)
        {
            double[] scores = [0.01, 0.02, w % 97 == 0 ? 0.99 : 0.05, 0.03, 0.02];
            Assert.False(AnomalyVerdict.Judge(perSignal, new AnomalyScore(scores.Max(), scores), FeatureSchema.Red, null, SpotOptions.Default).IsAnomalous);
            windowLevel.Observe(scores.Max(), SpotOptions.Default);
        }

        var fault = new AnomalyScore(0.97, [0.01, 0.97, 0.05, 0.03, 0.02]);
        AnomalyVerdict verdict = AnomalyVerdict.Judge(perSignal, fault, FeatureSchema.Red, null, SpotOptions.Default);
        Assert.True(verdict.IsAnomalous);
        Assert.Equal(["errorRatio"], verdict.Signals);
        Assert.Equal(AnomalySeverity.None, windowLevel.Observe(0.97, SpotOptions.Default));

        // The rough signal's own jump is still within its normal life.
        var jump = new AnomalyScore(0.99, [0.01, 0.02, 0.99, 0.03, 0.02]);
        Assert.False(AnomalyVerdict.Judge(perSignal, jump, FeatureSchema.Red, null, SpotOptions.Default).IsAnomalous);
    }

    [Fact]
    public void SignalsPastTheSeparateOnesShareTheLastThreshold()
    {
        var thresholds = new SignalThresholds();
        int width = SignalThresholds.SeparateSignals + 4;
        Calibrate(thresholds, width, _ => 0);
        Assert.Equal(SignalThresholds.SeparateSignals, thresholds.Thresholds.Count);

        double[] scores = new double[width];
        scores[SignalThresholds.SeparateSignals + 2] = 0.9;
        scores[SignalThresholds.SeparateSignals] = 0.6;
        AnomalyVerdict verdict = AnomalyVerdict.Judge(thresholds, new AnomalyScore(0.9, scores), FeatureSchema.Red, null, SpotOptions.Default);
        Assert.Equal(AnomalySeverity.Critical, verdict.Severity);
        Assert.Equal([$"signal{SignalThresholds.SeparateSignals + 2}"], verdict.Signals);
    }

    [Fact]
    public void ShareTheRisksAmongTheSignals()
    {
        // Five signals with the same rough normal life: each bar must be higher than a lone signal's would be,
        // since any of the five can page.
        var random = new Random(3);
        var five = new SignalThresholds();
        var one = new SignalThresholds();
        for (int w = 0; w < 2000; w++)
        {
            double[] scores = [.. Enumerable.Range(0, 5).Select(_ => 0.5 + (0.45 * Math.Pow(random.NextDouble(), 6)))];
            AnomalyVerdict.Judge(five, new AnomalyScore(scores.Max(), scores), FeatureSchema.Red, null, SpotOptions.Default);
            AnomalyVerdict.Judge(one, new AnomalyScore(scores[0], [scores[0]]), FeatureSchema.Univariate, null, SpotOptions.Default);
        }

        Assert.True(five.Thresholds[0].Warning > one.Thresholds[0].Warning,
            $"warning of one of five {five.Thresholds[0].Warning} not above a lone signal's {one.Thresholds[0].Warning}");
    }

    private static void Calibrate(SignalThresholds thresholds, int width, Func<int, double> score)
    {
        for (int w = 0; w < 600; w++)
        {
            double[] scores = [.. Enumerable.Range(0, width).Select(_ => score(w))];
            AnomalyVerdict.Judge(thresholds, new AnomalyScore(scores.Max(), scores), FeatureSchema.Red, null, SpotOptions.Default);
        }

        Assert.True(thresholds.IsCalibrated);
    }
}
