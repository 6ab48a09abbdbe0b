using OtlpGrains.Models.Detection.Sequences;
using Xunit;

namespace OtlpGrains.Models.Tests.Sequences;

public sealed class RobustScaleTests
{
    [Theory]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(600)]
    public void NormalisesByTheMedianAndSpreadOfTheLastValues(int count)
    {
        var random = new Random(count);
        var scale = new RobustScale(1);
        var values = new List<double>();
        for (int i = 0; i < count; i++)
        {
            double v = Math.Round(random.NextDouble() * 100, 1);
            values.Add(v);
            scale.Learn([v]);
        }

        // The reference, computed the slow way from the last Capacity values.
        double[] kept = [.. values.TakeLast(RobustScale.Capacity).Order()];
        double median = Median(kept);
        double mad = Median([.. kept.Select(v => Math.Abs(v - median)).Order()]);
        double std = Math.Sqrt(kept.Sum(v => (v - median) * (v - median)) / kept.Length);
        double spread = Math.Max(1.4826 * mad, 0.5 * std);
        float[] normalised = new float[1];

        scale.Normalise([median + (2 * spread)], normalised);

        Assert.Equal(RobustScale.Compression * Math.Asinh(2 / RobustScale.Compression), normalised[0], 4);
    }

    [Fact]
    public void GivesZeroForMissingValuesAndBeforeEnoughHistory()
    {
        var scale = new RobustScale(2);
        float[] normalised = [9, 9];
        scale.Normalise([1.0, 2.0], normalised);
        Assert.Equal([0f, 0f], normalised);
        Assert.False(scale.Ready);
        for (int i = 0; i < RobustScale.MinHistory; i++)
        {
            scale.Learn([i, double.NaN]);
        }

        Assert.False(scale.Ready);
        scale.Normalise([100.0, double.NaN], normalised);
        Assert.True(normalised[0] > 5);
        Assert.Equal(0f, normalised[1]);
    }

    private static double Median(double[] sorted) => (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]) / 2;
}
