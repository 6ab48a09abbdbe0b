using OtlpGrains.Interfaces;
using OtlpGrains.Models.Statistics;
using Xunit;

namespace OtlpGrains.Models.Tests;

public sealed class HistogramSnapshotTests
{
    private static readonly double[] Quantiles = [0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1];

    [Fact]
    public void MergingSnapshotsOfWindowsGivesTheQuantilesOfOneHistogramOfAllValues()
    {
        var random = new Random(7);
        var all = new LatencyHistogram();
        var windows = new LatencyHistogram[6];
        for (int w = 0; w < windows.Length; w++)
        {
            windows[w] = new LatencyHistogram();

            // Each window has its own range, so that the merged snapshots have different offsets and lengths.
            double scaleMs = Math.Pow(4, w);
            for (int i = 0; i < 2_000 + (w * 500); i++)
            {
                long nanos = i % 97 == 0 ? 500 : (long)(scaleMs * 1_000_000 * Math.Exp(random.NextDouble() * 3));
                windows[w].RecordNanos(nanos);
                all.RecordNanos(nanos);
            }
        }

        var merged = new LatencyHistogram();
        foreach (LatencyHistogram window in windows)
        {
            merged.Merge(window.ToSnapshot());
        }

        Assert.Equal(all.Count, merged.Count);
        Assert.Equal(all.SumMs, merged.SumMs, 6);
        Assert.Equal(Quantiles.Select(all.QuantileMs), Quantiles.Select(merged.QuantileMs));
        Assert.Equal(all.ToSnapshot().Counts, merged.ToSnapshot().Counts);
        Assert.Equal(all.ToSnapshot().ZeroCount, merged.ToSnapshot().ZeroCount);
    }

    [Fact]
    public void ASnapshotHasNoEmptyEndsAndRoundTrips()
    {
        var histogram = new LatencyHistogram();
        histogram.RecordNanos(2_000_000);
        histogram.RecordNanos(900_000_000);
        histogram.RecordNanos(10);

        HistogramSnapshot snapshot = histogram.ToSnapshot();

        Assert.True(snapshot.Counts[0] > 0 && snapshot.Counts[^1] > 0);
        Assert.Equal((3L, 1L), (snapshot.Count, snapshot.ZeroCount));
        var copy = new LatencyHistogram();
        copy.Merge(snapshot);
        Assert.Equal(histogram.Summary(), copy.Summary());
        Assert.Same(HistogramSnapshot.Empty, new LatencyHistogram().ToSnapshot());
    }

    [Theory]
    [InlineData(0, new[] { 1, 2 }, 0, 4, "count 4 != zero count 0 + bucket counts 3")]
    [InlineData(0, new[] { 1, -1 }, 0, 0, "negative bucket count")]
    [InlineData(5000, new[] { 1 }, 0, 1, "outside")]
    public void AnInconsistentSnapshotIsRefusedAndChangesNothing(int offset, int[] counts, long zero, long count, string reason)
    {
        var histogram = new LatencyHistogram();
        histogram.RecordNanos(5_000_000);

        var error = Assert.Throws<ArgumentException>(() => histogram.Merge(new HistogramSnapshot(offset, counts, zero, count, 1)));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, histogram.Count);
    }
}
