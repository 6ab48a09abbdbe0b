namespace OtlpGrains.Models.Detection.Thresholds;

/// <summary>
/// A generalized Pareto distribution of the excesses over a threshold (shape ξ, scale σ), fitted by the method of
/// moments: cheap enough to refit on every new peak, and stable on the few dozen peaks a service has.
/// </summary>
public readonly record struct GeneralizedPareto(double Shape, double Scale)
{
    /// <summary>The fit of <paramref name="excesses"/> (all positive), or null when they do not vary.</summary>
    public static GeneralizedPareto? FitMoments(ReadOnlySpan<double> excesses)
    {
        if (excesses.Length < 2)
        {
            return null;
        }

        double mean = 0;
        foreach (double e in excesses)
        {
            mean += e;
        }

        mean /= excesses.Length;
        double variance = 0;
        foreach (double e in excesses)
        {
            variance += (e - mean) * (e - mean);
        }

        variance /= excesses.Length - 1;
        // Excesses that do not vary (beyond rounding) have no tail to fit.
        if (!(mean > 0) || !(variance > 1e-12 * mean * mean))
        {
            return null;
        }

        // Mean σ/(1-ξ) and variance σ²/((1-ξ)²(1-2ξ)) solved for ξ and σ.
        double ratio = mean * mean / variance;
        return new GeneralizedPareto(0.5 * (1 - ratio), 0.5 * mean * (ratio + 1));
    }

    /// <summary>
    /// The level exceeded with probability <paramref name="risk"/> by any observation, when a fraction
    /// <paramref name="peakRate"/> of observations exceed <paramref name="threshold"/> and their excesses follow this
    /// distribution.
    /// </summary>
    public double Quantile(double threshold, double risk, double peakRate)
    {
        if (risk >= peakRate)
        {
            return threshold;
        }

        double r = risk / peakRate;
        return Math.Abs(Shape) < 1e-9
            ? threshold - (Scale * Math.Log(r))
            : threshold + (Scale / Shape * (Math.Pow(r, -Shape) - 1));
    }
}
