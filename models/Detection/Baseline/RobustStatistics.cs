namespace OtlpGrains.Models.Detection.Baseline;

/// <summary>
/// The median of a small buffer by selection in place (no sort, no allocation), for the level-shift test's newest
/// windows; the long windows keep sorted copies instead (<see cref="RecentWindow"/>).
/// </summary>
internal static class RobustStatistics
{
    /// <summary>The factor that turns a MAD into a standard deviation for Gaussian data.</summary>
    public const double MadToSigma = 1.4826;

    /// <summary>The median of <paramref name="values"/>, which it reorders. NaN when empty.</summary>
    public static double Median(Span<double> values)
    {
        int n = values.Length;
        if (n == 0)
        {
            return double.NaN;
        }

        int mid = n / 2;
        double upper = Select(values, mid);
        if ((n & 1) == 1)
        {
            return upper;
        }

        // After selection, everything left of mid is <= upper: the lower middle is their maximum.
        double lower = values[0];
        for (int i = 1; i < mid; i++)
        {
            lower = Math.Max(lower, values[i]);
        }

        return 0.5 * (lower + upper);
    }

    /// <summary>Hoare's selection: places the k-th smallest value at index k, smaller ones before it.</summary>
    private static double Select(Span<double> values, int k)
    {
        int left = 0;
        int right = values.Length - 1;
        while (right > left)
        {
            // Median of three as the pivot keeps sorted and reversed buffers (common in time series) linear.
            int middle = left + ((right - left) / 2);
            double pivot = MedianOfThree(values[left], values[middle], values[right]);
            int i = left;
            int j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                break;
            }
        }

        return values[k];
    }

    private static double MedianOfThree(double a, double b, double c) =>
        Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}
