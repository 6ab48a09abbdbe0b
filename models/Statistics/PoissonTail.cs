using OtlpGrains.Models.Detection.WindowedGaussian;

namespace OtlpGrains.Models.Statistics;

/// <summary>
/// How surprising a count is for a Poisson rate: the chance of seeing at least that many events by chance. Used where
/// a count over a short range is set against a rate learned over a longer one (log templates during an incident), so
/// that one or two lines never read as a surge.
/// </summary>
public static class PoissonTail
{
    // Above this mean the normal approximation (with continuity correction) is within a few percent in the tail we use.
    private const double NormalFrom = 50;

    /// <summary>P(X &gt;= <paramref name="count"/>) for X ~ Poisson(<paramref name="mean"/>).</summary>
    public static double AtLeast(long count, double mean)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(mean);
        if (count <= 0)
        {
            return 1;
        }

        if (mean == 0)
        {
            return 0;
        }

        if (mean > NormalFrom)
        {
            return NormalTail.Q((count - 0.5 - mean) / Math.Sqrt(mean));
        }

        // 1 - P(X < count), each term from the last so that nothing overflows; the sum stops once the terms vanish.
        double term = Math.Exp(-mean);
        double below = 0;
        for (long i = 0; i < count; i++)
        {
            below += term;
            term *= mean / (i + 1);
            if (term < 1e-18 * below && i > mean)
            {
                break;
            }
        }

        return Math.Max(0, 1 - below);
    }
}
