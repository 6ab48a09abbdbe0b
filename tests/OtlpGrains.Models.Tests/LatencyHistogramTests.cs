using OtlpGrains.Models.Statistics;
using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Models.Tests;

public sealed class LatencyHistogramTests
{
    // Exactly at a bucket boundary the representative sits alpha away; allow for the last bits of rounding.
    private const double Tolerance = LatencyHistogram.RelativeAccuracy * (1 + 1e-9);

    private static readonly double[] Quantiles = [0.5, 0.9, 0.95, 0.99, 0.999];

    [Theory]
    [InlineData("uniform", 100_000, 1)]
    [InlineData("exponential", 50_000, 2)]
    [InlineData("lognormal", 100_000, 3)]
    [InlineData("pareto", 100_000, 4)]
    [InlineData("bimodal", 10_000, 5)]
    public void QuantilesAreWithinRelativeAccuracyOfExactNearestRank(string distribution, int count, int seed)
    {
        long[] values = Generate(distribution, count, seed);
        var histogram = new LatencyHistogram();
        foreach (long value in values)
        {
            histogram.RecordNanos(value);
        }

        Array.Sort(values);
        Assert.Equal(count, histogram.Count);
        foreach (double q in Quantiles)
        {
            double exact = ExactQuantileMs(values, q);
            double estimate = histogram.QuantileMs(q);
            Assert.True(
                Math.Abs(estimate - exact) <= Tolerance * exact,
                $"{distribution} p{q}: estimate {estimate} ms, exact {exact} ms");
        }
    }

    [Fact]
    public void MergeEqualsHistogramOfConcatenatedData()
    {
        // Disjoint ranges make the merge grow the target on both sides.
        long[] low = Generate("uniform", 20_000, 11).Select(v => (v / 1000) + 1_000).ToArray();
        long[] high = Generate("pareto", 30_000, 12);
        long[] middle = Generate("lognormal", 10_000, 13);

        var all = new LatencyHistogram();
        var first = new LatencyHistogram();
        var second = new LatencyHistogram();
        foreach (long value in middle)
        {
            first.RecordNanos(value);
            all.RecordNanos(value);
        }

        foreach (long value in low.Concat(high))
        {
            second.RecordNanos(value);
            all.RecordNanos(value);
        }

        first.Merge(second);

        Assert.Equal(all.Count, first.Count);
        Assert.Equal(60_000, first.Count);
        Assert.Equal(all.SumMs, first.SumMs, 6);
        foreach (double q in new[] { 0.0, 0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0 })
        {
            Assert.Equal(all.QuantileMs(q), first.QuantileMs(q));
        }
    }

    [Fact]
    public void MergeIntoEmptyCopiesAndMergeOfEmptyChangesNothing()
    {
        var source = new LatencyHistogram();
        source.RecordNanos(3_000_000);
        source.RecordNanos(40_000_000);

        var target = new LatencyHistogram();
        target.Merge(source);
        target.Merge(new LatencyHistogram());

        Assert.Equal(2, target.Count);
        Assert.Equal(43.0, target.SumMs, 9);
        Assert.Equal(source.QuantileMs(0.5), target.QuantileMs(0.5));
        Assert.Equal(source.QuantileMs(1), target.QuantileMs(1));
    }

    [Fact]
    public void EmptyHistogramReportsZeros()
    {
        var histogram = new LatencyHistogram();

        Assert.Equal(0, histogram.Count);
        Assert.Equal(0, histogram.SumMs);
        Assert.Equal(0, histogram.QuantileMs(0.5));
        Assert.Equal(0, histogram.QuantileMs(0.99));
        Assert.Equal(LatencySummary.Empty, histogram.Summary());
    }

    [Fact]
    public void ValuesBelowOneMicrosecondGoToTheZeroBucket()
    {
        var histogram = new LatencyHistogram();
        histogram.RecordNanos(0);
        histogram.RecordNanos(-5);
        histogram.RecordNanos(999);
        histogram.RecordNanos(50_000_000);

        Assert.Equal(4, histogram.Count);
        Assert.Equal(0, histogram.QuantileMs(0.75));
        Assert.Equal(50, histogram.QuantileMs(1), 0.5);
        Assert.Equal(50.000999, histogram.SumMs, 6);
    }

    [Fact]
    public void SummaryReportsP50P95P99()
    {
        var histogram = new LatencyHistogram();
        for (int ms = 1; ms <= 100; ms++)
        {
            histogram.RecordNanos(ms * 1_000_000L);
        }

        LatencySummary summary = histogram.Summary();

        Assert.Equal(50, summary.P50, 0.5);
        Assert.Equal(95, summary.P95, 0.95);
        Assert.Equal(99, summary.P99, 0.99);
        Assert.Equal(histogram.QuantileMs(0.99), summary.P99);
    }

    [Fact]
    public void WindowOfOneToHundredMillisecondsCostsAFewHundredCounts()
    {
        var histogram = new LatencyHistogram();
        var random = new Random(7);
        for (int i = 0; i < 10_000; i++)
        {
            histogram.RecordNanos(1_000_000L + (long)(random.NextDouble() * 99_000_000));
        }

        // ln(100) / ln(gamma) = 231 buckets, plus a little growth slack.
        Assert.InRange(histogram.DenseLength, 230, 260);
    }

    [Theory]
    [InlineData(0.0, 4, 1)]
    [InlineData(0.25, 4, 1)]
    [InlineData(0.26, 4, 2)]
    [InlineData(1.0, 4, 4)]
    [InlineData(1.5, 4, 4)]
    [InlineData(-1.0, 4, 1)]
    public void RankIsCeilingOfQTimesCountWithinOneAndCount(double q, long count, long expected) =>
        Assert.Equal(expected, LatencyHistogram.Rank(q, count));

    private static double ExactQuantileMs(long[] sorted, double q)
    {
        int rank = Math.Clamp((int)Math.Ceiling(q * sorted.Length), 1, sorted.Length);
        return sorted[rank - 1] / 1_000_000d;
    }

    private static long[] Generate(string distribution, int count, int seed)
    {
        var random = new Random(seed);
        var values = new long[count];
        for (int i = 0; i < count; i++)
        {
            double u = 1 - random.NextDouble(); // (0, 1]
            double ms = distribution switch
            {
                "uniform" => 1 + (999 * u),
                "exponential" => 0.01 - (25 * Math.Log(u)),
                "lognormal" => Math.Exp(Math.Log(40) + (1.2 * Normal(random))),
                "pareto" => 2 / Math.Pow(u, 1 / 1.1),
                "bimodal" => random.Next(2) == 0 ? 0.5 + u : 2_000 + (500 * u),
                _ => throw new ArgumentOutOfRangeException(nameof(distribution)),
            };
            values[i] = (long)Math.Min(ms * 1_000_000, 1e13);
        }

        return values;
    }

    // Box-Muller.
    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
