using OtlpGrains.Gateway.Api;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

public sealed class HistogramReplayTests
{
    private static readonly double[] Bounds = [1, 2, 5];

    [Fact]
    public void EachBucketsObservationsLandInItAndAddUpToTheSum()
    {
        // 3 in (0,1], 2 in (2,5], 1 above 5: the sum 0.9*3 + 4*2 + 12 = 22.7 is one they could have given.
        var observations = HistogramReplay.Observations(Bounds, [3, 0, 2, 1], 22.7);

        Assert.Equal([3L, 2L, 1L], observations.Select(o => o.Count));
        Assert.Equal([0, 2, 3], observations.Select(o => BucketOf(o.Value)));
        Assert.Equal(22.7, observations.Sum(o => o.Value * o.Count), 9);
    }

    [Fact]
    public void WithoutAnOverflowTheFiniteBucketsCarryTheWholeSum()
    {
        var observations = HistogramReplay.Observations(Bounds, [0, 4, 0, 0], 5.2);

        var (value, count) = Assert.Single(observations);
        Assert.Equal(4, count);
        Assert.Equal(1.3, value, 9);
    }

    [Fact]
    public void ASumNoObservationsCouldGiveKeepsEveryValueInItsBucket()
    {
        // Two observations in (1,2] cannot add up to 10: the counts stay right, only the sum cannot.
        var (value, count) = Assert.Single(HistogramReplay.Observations(Bounds, [0, 2, 0, 0], 10));

        Assert.Equal(2, count);
        Assert.Equal(1, BucketOf(value));
    }

    [Fact]
    public void NothingNewGivesNoObservation() => Assert.Empty(HistogramReplay.Observations(Bounds, [0, 0, 0, 0], 0));

    [Fact]
    public void CountsThatDoNotMatchTheBoundsAreRefused() =>
        Assert.Throws<ArgumentException>(() => HistogramReplay.Observations(Bounds, [1, 2, 3], 1));

    private static int BucketOf(double value)
    {
        var bucket = 0;
        while (bucket < Bounds.Length && value > Bounds[bucket])
        {
            bucket++;
        }

        return bucket;
    }
}
