namespace OtlpGrains.Models.Detection.Resonance;

/// <summary>The full orthonormal Haar transform of a power-of-two length, in place: overall average first, then the details from coarse to fine.</summary>
internal static class Haar
{
    public static void Transform(Span<double> values)
    {
        Span<double> scratch = stackalloc double[values.Length];
        for (int length = values.Length; length > 1; length /= 2)
        {
            int half = length / 2;
            for (int k = 0; k < half; k++)
            {
                double a = values[2 * k], b = values[(2 * k) + 1];
                scratch[k] = (a + b) / Math.Sqrt(2);
                scratch[half + k] = (a - b) / Math.Sqrt(2);
            }

            scratch[..length].CopyTo(values);
        }
    }
}
