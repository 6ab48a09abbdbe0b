using OtlpGrains.Models.Statistics;
using Xunit;

namespace OtlpGrains.Models.Tests;

public sealed class PoissonTailTests
{
    [Theory]
    [InlineData(1, 0.05, 0.048770575499285984)]
    [InlineData(2, 0.05, 0.00120910427425025)]
    [InlineData(3, 0.65, 0.028342298003558808)]
    [InlineData(4, 0.65, 0.004447827763059853)]
    [InlineData(10, 3.0, 0.0011024881301153755)]
    public void SmallMeansAreSummedExactly(long count, double mean, double expected) =>
        Assert.Equal(expected, PoissonTail.AtLeast(count, mean), expected * 1e-9);

    [Theory]
    [InlineData(1100, 1001, 0.0010724453551239632)]
    [InlineData(1050, 1001, 0.06350123661947893)]
    public void LargeMeansUseTheNormalApproximationWithinAFewPercent(long count, double mean, double exact) =>
        Assert.InRange(PoissonTail.AtLeast(count, mean), exact * 0.85, exact * 1.15);

    [Fact]
    public void EdgesAreCertainOrImpossible()
    {
        Assert.Equal(1, PoissonTail.AtLeast(0, 3));
        Assert.Equal(0, PoissonTail.AtLeast(1, 0));
        Assert.Equal(0, PoissonTail.AtLeast(10_000, 2), 1e-12);
    }
}
