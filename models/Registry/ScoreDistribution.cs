namespace OtlpGrains.Models.Registry;

/// <summary>A summary of a score histogram over equal bins of [0, 1]: its mean and quantiles, as well as bins allow.</summary>
public static class ScoreDistribution
{
    /// <summary>Mean of the bins' midpoints weighted by their counts, or null for an empty histogram.</summary>
    public static double? Mean(IReadOnlyList<long> bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        double total = bins.Sum();
        if (total <= 0)
        {
            return null;
        }

        double sum = 0;
        for (int i = 0; i < bins.Count; i++)
        {
            sum += bins[i] * (i + 0.5) / bins.Count;
        }

        return sum / total;
    }

    /// <summary>
    /// The upper edge of the bin that holds the q-quantile (the smallest bin whose cumulative count reaches q of the
    /// total), or null for an empty histogram. An upper edge, so that a quantile is never understated.
    /// </summary>
    public static double? Quantile(IReadOnlyList<long> bins, double q)
    {
        ArgumentNullException.ThrowIfNull(bins);
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1);
        long total = bins.Sum();
        if (total <= 0)
        {
            return null;
        }

        double rank = Math.Max(1, Math.Ceiling(q * total));
        long cumulative = 0;
        for (int i = 0; i < bins.Count; i++)
        {
            cumulative += bins[i];
            if (cumulative >= rank)
            {
                return (i + 1.0) / bins.Count;
            }
        }

        return 1.0;
    }
}
