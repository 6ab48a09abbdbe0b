using Xunit;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Tests;

public sealed class FeatureSchemaTests
{
    [Fact]
    public void AcceptsOnlyTheSameSignalsInTheSameOrder()
    {
        var red = FeatureSchema.Red;
        Assert.True(red.Accepts(new FeatureSchema("red.v1", ["rate", "errorRatio", "p50", "p95", "p99"], OpenEnded: true)));
        Assert.False(red.Accepts(new FeatureSchema("red.v1", ["rate", "errorRatio", "p95", "p50", "p99"], OpenEnded: true)));
        Assert.False(red.Accepts(FeatureSchema.Univariate));
    }
}
