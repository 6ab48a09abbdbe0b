namespace OtlpGrains.Models.Simulation;

/// <summary>
/// A latency distribution: log-normal with the given median and shape, the usual fit for service times (a long right
/// tail, never negative).
/// </summary>
public readonly record struct LogNormalLatency
{
    public LogNormalLatency(double medianMs, double sigma)
    {
        if (!(medianMs > 0) || double.IsInfinity(medianMs))
        {
            throw new ArgumentOutOfRangeException(nameof(medianMs), medianMs, "a latency median must be a positive number of milliseconds");
        }

        if (!(sigma >= 0) || sigma > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "a log-normal sigma must be in [0, 3]");
        }

        MedianMs = medianMs;
        Sigma = sigma;
    }

    public double MedianMs { get; }

    public double Sigma { get; }

    /// <summary>One draw, in milliseconds.</summary>
    public double Sample(Random random) => MedianMs * Math.Exp(Sigma * StandardNormal(random));

    /// <summary>A standard normal draw (Box-Muller), from two uniform draws.</summary>
    public static double StandardNormal(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double u1 = 1.0 - random.NextDouble(); // (0, 1]: the logarithm stays finite
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
