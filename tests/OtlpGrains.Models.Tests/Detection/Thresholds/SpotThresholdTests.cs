using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Thresholds;
using Xunit;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Tests.Detection.Thresholds;

public sealed class SpotThresholdTests
{
    [Fact]
    public void MomentFitRecoversAnExponentialTail()
    {
        // Exponential excesses are the generalized Pareto with shape 0 and scale equal to their mean.
        var random = new Random(1);
        double[] excesses = [.. Enumerable.Range(0, 20_000).Select(_ => -0.05 * Math.Log(1 - random.NextDouble()))];
        GeneralizedPareto fit = GeneralizedPareto.FitMoments(excesses)!.Value;
        Assert.InRange(fit.Shape, -0.05, 0.05);
        Assert.InRange(fit.Scale, 0.047, 0.053);

        // With 10% of scores above t = 0.2, the level exceeded once in 10,000 is t + scale x ln(0.1 / 1e-4).
        Assert.InRange(fit.Quantile(0.2, 1e-4, 0.1), 0.2 + (0.047 * Math.Log(1000)), 0.2 + (0.053 * Math.Log(1000)));
        Assert.Null(GeneralizedPareto.FitMoments([0.1, 0.1, 0.1]));
    }

    [Fact]
    public void NoisyServiceGetsAHigherBarThanAQuietOne()
    {
        var random = new Random(2);
        var quiet = new SpotThreshold();
        var noisy = new SpotThreshold();
        for (int w = 0; w < 3000; w++)
        {
            // Quiet: almost always 0, now and then a faint score. Noisy: a rough life with many mid-range scores.
            quiet.Observe(random.NextDouble() < 0.05 ? 0.1 * random.NextDouble() : 0, SpotOptions.Default);
            noisy.Observe(random.NextDouble() < 0.3 ? 0.3 + (0.3 * random.NextDouble()) : 0.05 * random.NextDouble(), SpotOptions.Default);
        }

        Assert.True(quiet.IsCalibrated && noisy.IsCalibrated);
        Assert.True(noisy.Warning > quiet.Warning + 0.05, $"noisy warning {noisy.Warning} vs quiet {quiet.Warning}");
        Assert.True(quiet.Critical >= quiet.Warning && noisy.Critical >= noisy.Warning);

        // A 0.62 is news for the quiet service and an ordinary day for the noisy one... up to its own bar.
        Assert.Equal(AnomalySeverity.None, noisy.Observe(0.59, SpotOptions.Default));
        Assert.NotEqual(AnomalySeverity.None, quiet.Observe(0.62, SpotOptions.Default));
    }

    [Fact]
    public void GivesNoVerdictWhileCalibratingAndIgnoresMissingScores()
    {
        var threshold = new SpotThreshold();
        var options = SpotOptions.Default;
        for (int w = 0; w < options.ProvisionalWindows - 1; w++)
        {
            Assert.Equal(AnomalySeverity.None, threshold.Observe(w % 10 == 0 ? 0.99 : 0, options));
            Assert.Equal(AnomalySeverity.None, threshold.Observe(double.NaN, options));
        }

        Assert.False(threshold.IsCalibrated);
        threshold.Observe(0, options);
        Assert.True(threshold.IsCalibrated);
        Assert.InRange(threshold.Warning, options.MinimumWarning, options.MaximumThreshold);
    }

    [Fact]
    public void AnomalousScoresAreNotLearned()
    {
        var threshold = new SpotThreshold();
        var random = new Random(4);
        for (int w = 0; w < 1000; w++)
        {
            threshold.Observe(0.05 * random.NextDouble(), SpotOptions.Default);
        }

        double before = threshold.Warning;
        for (int w = 0; w < 500; w++)
        {
            Assert.NotEqual(AnomalySeverity.None, threshold.Observe(0.97, SpotOptions.Default));
        }

        Assert.Equal(before, threshold.Warning);
    }

    [Fact]
    public void RefusesBadOptionsWithOneLine()
    {
        var error = Assert.Throws<ArgumentException>(() => (SpotOptions.Default with { CriticalRisk = 0.01 }).Validate());
        Assert.Contains("CriticalRisk", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => (SpotOptions.Default with { MinimumCritical = 0.1 }).Validate());
    }
}
