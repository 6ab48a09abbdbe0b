namespace OtlpGrains.Models.Tests.Sequences;

/// <summary>
/// A seasonal univariate series (period 24 windows, level 100, amplitude 20, Gaussian noise of 2) with optional
/// anomalies, and a multivariate RED-like one, both from a fixed seed.
/// </summary>
internal static class SyntheticSeries
{
    public const int Period = 24;

    public static double[][] Seasonal(int length, int seed, int spikeAt = -1, int shiftFrom = -1)
    {
        var random = new Random(seed);
        var series = new double[length][];
        for (int t = 0; t < length; t++)
        {
            double value = 100 + (20 * Math.Sin(2 * Math.PI * t / Period)) + (2 * Gaussian(random));
            if (t == spikeAt)
            {
                value += 60;
            }

            if (shiftFrom >= 0 && t >= shiftFrom)
            {
                value += 40;
            }

            series[t] = [value];
        }

        return series;
    }

    /// <summary>
    /// Rate, error ratio, p50, p95, p99 of a service that, from <paramref name="faultFrom"/>, fails 20% of its
    /// requests and has a tail three times slower.
    /// </summary>
    public static double[][] Red(int length, int seed, int faultFrom = -1)
    {
        var random = new Random(seed);
        var series = new double[length][];
        for (int t = 0; t < length; t++)
        {
            double rate = 50 + (10 * Math.Sin(2 * Math.PI * t / Period)) + Gaussian(random);
            bool fault = faultFrom >= 0 && t >= faultFrom;
            double p50 = 20 + Gaussian(random);
            double errors = fault ? 0.2 : Math.Abs(0.01 + (0.002 * Gaussian(random)));
            series[t] = [rate, errors, p50, p50 * 2.5, p50 * (fault ? 12 : 4)];
        }

        return series;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
