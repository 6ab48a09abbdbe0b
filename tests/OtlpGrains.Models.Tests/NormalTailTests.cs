using OtlpGrains.Models.Detection.WindowedGaussian;
using Xunit;

namespace OtlpGrains.Models.Tests;

public sealed class NormalTailTests
{
    // Reference values of erfc from the C library (glibc), which is correct to within an ulp.
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.1, 0.8875370839817152)]
    [InlineData(0.5, 0.4795001221869535)]
    [InlineData(1.0, 0.15729920705028513)]
    [InlineData(1.5, 0.033894853524689274)]
    [InlineData(2.0, 0.004677734981047265)]
    [InlineData(2.4, 0.0006885138966450789)]
    [InlineData(2.5, 0.0004069520174449589)]
    [InlineData(2.6, 0.00023603441652934908)]
    [InlineData(3.0, 2.2090496998585438e-05)]
    [InlineData(5.0, 1.5374597944280351e-12)]
    [InlineData(6.0, 2.1519736712498916e-17)]
    [InlineData(10.0, 2.088487583762545e-45)]
    [InlineData(20.0, 5.3958656116079005e-176)]
    public void ErfcMatchesTheReferenceToRelativePrecision(double x, double expected)
    {
        double actual = NormalTail.Erfc(x);

        Assert.True(Math.Abs(actual - expected) <= 1e-14 * expected, $"erfc({x}) = {actual:R}, expected {expected:R}");
    }

    [Fact]
    public void ErfcOfNegativeArgumentsMirrorsAroundOne()
    {
        Assert.Equal(2 - 0.15729920705028513, NormalTail.Erfc(-1.0), 1e-15);
        Assert.Equal(2.0, NormalTail.Erfc(-30.0));
    }

    [Fact]
    public void QIsTheUpperTailOfTheStandardNormal()
    {
        Assert.Equal(0.5, NormalTail.Q(0), 1e-15);
        Assert.Equal(0.15865525393145707, NormalTail.Q(1), 1e-15);
        Assert.Equal(0.0, NormalTail.Q(40));
    }
}
