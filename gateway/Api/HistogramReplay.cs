namespace OtlpGrains.Gateway.Api;

/// <summary>
/// Turns the counts a pre-aggregated histogram gained (per bucket, and their sum) into weighted observations for a
/// histogram that only takes observations, such that each lands in its own bucket and together they add up to the
/// same sum. prometheus-net's histograms offer no way to set bucket counts, and the grains keep their latency
/// histograms already aggregated.
/// </summary>
internal static class HistogramReplay
{
    // Observations sit this far into their bucket at the least, so that rounding cannot tip one into the bucket below.
    private const double MinShare = 1e-6;

    /// <param name="bounds">Upper bounds of the finite buckets, ascending.</param>
    /// <param name="counts">New counts per bucket: one per bound, then the +Inf bucket. Not cumulative.</param>
    /// <param name="sum">What the new observations add up to.</param>
    /// <returns>(value, count) pairs, one per bucket that gained counts.</returns>
    /// <remarks>
    /// Finite buckets place their observations at the same share t of their width, (lower + t (upper - lower)), and
    /// the +Inf bucket takes what remains. The sum comes out exact whenever it is one that observations in these
    /// buckets could have produced; otherwise t is held within (0, 1] and only the sum is off.
    /// </remarks>
    public static List<(double Value, long Count)> Observations(IReadOnlyList<double> bounds, ReadOnlySpan<long> counts, double sum)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        if (counts.Length != bounds.Count + 1)
        {
            throw new ArgumentException($"expected {bounds.Count + 1} bucket counts (one per bound and +Inf), got {counts.Length}", nameof(counts));
        }

        double floor = 0;
        double width = 0;
        for (var i = 0; i < bounds.Count; i++)
        {
            floor += counts[i] * Lower(bounds, i);
            width += counts[i] * (bounds[i] - Lower(bounds, i));
        }

        long overflow = counts[bounds.Count];
        double overflowFloor = bounds.Count == 0 ? 0 : bounds[^1];
        double share = width > 0 ? Math.Clamp((sum - floor - (overflow * overflowFloor)) / width, MinShare, 1) : 1;

        var observations = new List<(double Value, long Count)>(counts.Length);
        for (var i = 0; i < bounds.Count; i++)
        {
            if (counts[i] > 0)
            {
                double lower = Lower(bounds, i);
                observations.Add((lower + (share * (bounds[i] - lower)), counts[i]));
            }
        }

        if (overflow > 0)
        {
            double rest = (sum - floor - (share * width)) / overflow;
            observations.Add((Math.Max(rest, Math.BitIncrement(overflowFloor)), overflow));
        }

        return observations;
    }

    private static double Lower(IReadOnlyList<double> bounds, int bucket) => bucket == 0 ? 0 : bounds[bucket - 1];
}
