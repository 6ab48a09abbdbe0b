using OtlpGrains.Models.Detection.Baseline;
using Xunit;

namespace OtlpGrains.Models.Tests.Detection.Baseline;

public sealed class RecentWindowTests
{
    [Fact]
    public void MedianAndDeviationMatchABruteForceOverTheRing()
    {
        var random = new Random(6);
        var window = new RecentWindow(9);
        var all = new List<double>();
        for (int i = 0; i < 200; i++)
        {
            // Repeated values too: quantised series (counts, ratios of zero) are common.
            double value = random.Next(3) == 0 ? 5 : Math.Round(random.NextDouble() * 20, 1);
            window.Add(value);
            all.Add(value);
            double[] held = [.. all.TakeLast(9)];
            Assert.Equal(held.Length, window.Count);
            Assert.Equal(value, window.Newest);
            double median = Median(held);
            Assert.Equal(median, window.Median());
            Assert.Equal(Median([.. held.Select(v => Math.Abs(v - median))]), window.MedianAbsoluteDeviation(median));
            Assert.Equal(Median([.. held.Select(v => Math.Abs(v - 3.3))]), window.MedianAbsoluteDeviation(3.3));

            var newest = new double[Math.Min(4, held.Length)];
            window.CopyNewest(newest);
            Assert.Equal(held[^newest.Length..], newest);
        }
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
