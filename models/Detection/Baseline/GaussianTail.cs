namespace OtlpGrains.Models.Detection.Baseline;

/// <summary>Surprise, in nats, of a z-score under a two-sided Gaussian tail: -ln P(|Z| >= z).</summary>
internal static class GaussianTail
{
    public static double Surprise(double z)
    {
        z = Math.Abs(z);
        if (double.IsNaN(z))
        {
            return double.NaN;
        }

        if (z < 5)
        {
            return -Math.Log(Erfc(z / Math.Sqrt(2)));
        }

        // Asymptotic form of the Gaussian tail, exact to a few percent past z = 5 and free of underflow.
        return (0.5 * z * z) + Math.Log(z * Math.Sqrt(Math.PI / 2));
    }

    // Complementary error function (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7).
    private static double Erfc(double x)
    {
        double t = 1.0 / (1.0 + (0.5 * x));
        double poly = -x * x - 1.26551223 + (t * (1.00002368 + (t * (0.37409196 + (t * (0.09678418 +
                      (t * (-0.18628806 + (t * (0.27886807 + (t * (-1.13520398 + (t * (1.48851587 +
                      (t * (-0.82215223 + (t * 0.17087277)))))))))))))))));
        return t * Math.Exp(poly);
    }
}
