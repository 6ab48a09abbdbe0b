namespace OtlpGrains.Models.Detection.WindowedGaussian;

/// <summary>
/// The tail probability of the normal distribution (the Q-function) and the complementary error function it rests
/// on. .NET has no erfc, and 1 − erf loses every digit in the tail where anomalies live, so erfc is computed
/// directly: a positive-term series near zero and a continued fraction further out, both to about 1e-15 relative.
/// </summary>
public static class NormalTail
{
    private const double TwoOverSqrtPi = 1.1283791670955126;
    private const double OneOverSqrtPi = 0.5641895835477563;

    // Below this the series converges quickly without cancellation; above it the continued fraction does.
    private const double SeriesLimit = 1.0;

    /// <summary>P(X ≥ x) for X ~ N(0, 1).</summary>
    public static double Q(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    public static double Erfc(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x < 0)
        {
            return 2 - Erfc(-x);
        }

        return x < SeriesLimit ? 1 - ErfSeries(x) : ErfcContinuedFraction(x);
    }

    /// <summary>erf(x) = 2/√π · e^(−x²) · Σ (2x²)ⁿ x / (1·3·…·(2n+1)): every term positive, so no cancellation.</summary>
    private static double ErfSeries(double x)
    {
        double twoX2 = 2 * x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200 && term > 1e-17 * sum; n++)
        {
            term *= twoX2 / ((2 * n) + 1);
            sum += term;
        }

        return TwoOverSqrtPi * Math.Exp(-x * x) * sum;
    }

    /// <summary>
    /// erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated by the modified Lentz method.
    /// </summary>
    private static double ErfcContinuedFraction(double x)
    {
        const double Tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int n = 1; n < 1000; n++)
        {
            double a = n / 2.0;
            d = x + (a * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = x + (a / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return OneOverSqrtPi * Math.Exp(-x * x) / f;
    }
}
