namespace OtlpGrains.Models.Detection.WindowedGaussian;

/// <summary>
/// Pairwise summation in the block layout NumPy uses (8 interleaved accumulators per block of at most 128 values,
/// halves split on a multiple of 8): far less rounding than a running sum, and the same rounding as the benchmark's
/// reference detector, whose mean and standard deviation NumPy computed.
/// </summary>
internal static class PairwiseSum
{
    private const int BlockSize = 128;

    /// <summary>Σ values[i].</summary>
    public static double Sum(ReadOnlySpan<double> values) => Sum(values, 0, squared: false);

    /// <summary>Σ (values[i] − center)².</summary>
    public static double SumOfSquares(ReadOnlySpan<double> values, double center) => Sum(values, center, squared: true);

    private static double Sum(ReadOnlySpan<double> a, double center, bool squared)
    {
        int n = a.Length;
        if (n < 8)
        {
            double small = 0;
            for (int i = 0; i < n; i++)
            {
                small += Term(a[i], center, squared);
            }

            return small;
        }

        if (n > BlockSize)
        {
            int half = n / 2;
            half -= half % 8;
            return Sum(a[..half], center, squared) + Sum(a[half..], center, squared);
        }

        Span<double> r = stackalloc double[8];
        for (int j = 0; j < 8; j++)
        {
            r[j] = Term(a[j], center, squared);
        }

        int k = 8;
        for (; k < n - (n % 8); k += 8)
        {
            for (int j = 0; j < 8; j++)
            {
                r[j] += Term(a[k + j], center, squared);
            }
        }

        double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; k < n; k++)
        {
            sum += Term(a[k], center, squared);
        }

        return sum;
    }

    private static double Term(double value, double center, bool squared)
    {
        if (!squared)
        {
            return value;
        }

        double d = value - center;
        return d * d;
    }
}
