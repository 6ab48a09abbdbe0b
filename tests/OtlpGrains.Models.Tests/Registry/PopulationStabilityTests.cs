using OtlpGrains.Models.Registry;
using Xunit;

namespace OtlpGrains.Models.Tests.Registry;

public sealed class PopulationStabilityTests
{
    [Fact]
    public void MatchesTheFormulaOnTwoBins()
    {
        // (0.9 - 0.5) ln(0.9 / 0.5) + (0.1 - 0.5) ln(0.1 / 0.5)
        double expected = (0.4 * Math.Log(1.8)) + (0.4 * Math.Log(5));

        Assert.Equal(expected, PopulationStability.Index([50, 50], [90, 10]), 12);
        Assert.Equal(0, PopulationStability.Index([3, 7], [30, 70]), 12);
    }

    [Fact]
    public void AnEmptyBinCountsAsEpsilonNotInfinity()
    {
        double index = PopulationStability.Index([100, 0], [99, 1]);

        double expected = ((0.99 - 1) * Math.Log(0.99)) + ((0.01 - PopulationStability.Epsilon) * Math.Log(0.01 / PopulationStability.Epsilon));
        Assert.Equal(expected, index, 12);
    }

    [Fact]
    public void RefusesHistogramsThatCannotBeCompared()
    {
        Assert.Throws<ArgumentException>(() => PopulationStability.Index([1, 2], [1, 2, 3]));
        Assert.Throws<ArgumentException>(() => PopulationStability.Index([0, 0], [1, 2]));
    }
}
