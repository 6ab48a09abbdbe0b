using System.Runtime.InteropServices;

namespace OtlpGrains.Models.Detection.WindowedGaussian;

/// <summary>
/// One signal's sliding window: the last values (at most the window size), the newer values waiting to slide in
/// a step at a time, and the mean and standard deviation of the window as of its last slide.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.GaussianWindow")]
public sealed class GaussianWindow
{
    /// <summary>Stands in for a zero standard deviation (a flat window), so that any change scores as anomalous.</summary>
    public const double FlatStandardDeviation = 0.000001;

    [Id(0)]
    public List<double> Values { get; init; } = [];

    [Id(1)]
    public List<double> Pending { get; init; } = [];

    [Id(2)]
    public double Mean { get; set; }

    [Id(3)]
    public double StandardDeviation { get; set; } = 1;

    /// <summary>
    /// How unusual <paramref name="value"/> is for the window: 1 − Q(|z|), from 0.5 at the mean towards 1; NaN while
    /// the window is empty.
    /// </summary>
    public double Score(double value)
    {
        if (Values.Count == 0)
        {
            return double.NaN;
        }

        // Reflect values below the mean onto the upper tail, as the reference detector does (in that order of
        // operations, so that scores match it to the last bit where possible).
        double upper = value < Mean ? (2 * Mean) - value : value;
        return 1 - NormalTail.Q((upper - Mean) / StandardDeviation);
    }

    /// <summary>Takes in a value: it fills the window, then slides it a whole step at a time.</summary>
    public void Learn(double value, int windowSize, int stepSize)
    {
        if (Values.Count < windowSize)
        {
            Values.Add(value);
            Refresh();
            return;
        }

        Pending.Add(value);
        if (Pending.Count >= stepSize)
        {
            Values.RemoveRange(0, Pending.Count);
            Values.AddRange(Pending);
            Pending.Clear();
            Refresh();
        }
    }

    private void Refresh()
    {
        ReadOnlySpan<double> values = CollectionsMarshal.AsSpan(Values);
        Mean = PairwiseSum.Sum(values) / values.Length;
        double std = Math.Sqrt(PairwiseSum.SumOfSquares(values, Mean) / values.Length);
        StandardDeviation = std == 0 ? FlatStandardDeviation : std;
    }
}
