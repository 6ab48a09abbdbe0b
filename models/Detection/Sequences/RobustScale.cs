namespace OtlpGrains.Models.Detection.Sequences;

/// <summary>
/// A running robust scale per signal: the median and spread of the last <see cref="Capacity"/> values, so that
/// services (or NAB files) of any magnitude feed a model values of the same spread, and a burst of outliers barely
/// moves the scale.
/// </summary>
/// <remarks>
/// Each signal keeps its values twice: in arrival order (to know which one leaves) and sorted (so that the median is
/// a lookup and the MAD one merge from the median outwards). A window then costs O(Capacity) per signal instead of
/// two sorts: a batch of 1,000 services spent most of its time sorting before.
/// </remarks>
[GenerateSerializer, Alias("otlpgrains.RobustScale")]
public sealed class RobustScale
{
    /// <summary>Values kept per signal.</summary>
    public const int Capacity = 512;

    /// <summary>Values a signal needs before it can be normalised.</summary>
    public const int MinHistory = 8;

    /// <summary>
    /// Beyond about this many scale units values are compressed logarithmically (c·asinh(z/c)): a wild value cannot
    /// dominate a network's input, yet a larger departure still reads larger, which the ranking of scores needs.
    /// </summary>
    public const double Compression = 4;

    [Id(0)] private readonly double[] _values;
    [Id(1)] private readonly int[] _counts;
    [Id(2)] private readonly int[] _heads;
    [Id(3)] private readonly double[] _sorted;

    public RobustScale(int signals)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(signals, 1);
        _values = new double[signals * Capacity];
        _sorted = new double[signals * Capacity];
        _counts = new int[signals];
        _heads = new int[signals];
    }

    public int Signals => _counts.Length;

    /// <summary>True once every signal has enough history.</summary>
    public bool Ready => _counts.All(c => c >= MinHistory);

    /// <summary>
    /// Writes <paramref name="values"/> in scale units into <paramref name="normalised"/>: (x - median) / spread,
    /// compressed; 0 where a value is missing (NaN) or its signal has too little history.
    /// </summary>
    public void Normalise(ReadOnlySpan<double> values, Span<float> normalised)
    {
        for (int s = 0; s < Signals; s++)
        {
            double x = s < values.Length ? values[s] : double.NaN;
            int count = _counts[s];
            if (double.IsNaN(x) || count < MinHistory)
            {
                normalised[s] = 0;
                continue;
            }

            ReadOnlySpan<double> sorted = _sorted.AsSpan(s * Capacity, count);
            double median = (sorted[(count - 1) / 2] + sorted[count / 2]) / 2;
            double z = (x - median) / Spread(sorted, median);
            normalised[s] = (float)(Compression * Math.Asinh(z / Compression));
        }
    }

    /// <summary>Adds a window's values (NaN and infinite values are skipped).</summary>
    public void Learn(ReadOnlySpan<double> values)
    {
        for (int s = 0; s < Signals; s++)
        {
            double x = s < values.Length ? values[s] : double.NaN;
            if (!double.IsFinite(x))
            {
                continue;
            }

            Span<double> sorted = _sorted.AsSpan(s * Capacity, Capacity);
            int count = _counts[s];
            int slot = (s * Capacity) + _heads[s];
            if (count == Capacity)
            {
                // The oldest value leaves the sorted copy before the new one enters.
                int leaving = sorted.BinarySearch(_values[slot]);
                sorted[(leaving + 1)..count].CopyTo(sorted[leaving..]);
                count--;
            }

            int at = sorted[..count].BinarySearch(x);
            at = at >= 0 ? at : ~at;
            sorted[at..count].CopyTo(sorted[(at + 1)..]);
            sorted[at] = x;
            _values[slot] = x;
            _heads[s] = (_heads[s] + 1) % Capacity;
            _counts[s] = count + 1;
        }
    }

    // The larger of 1.4826 × MAD and half the standard deviation about the median. The MAD alone collapses on
    // quantised or mostly-constant series (0 while bursts come and go), and every burst would read as hundreds of
    // units; bursts raise the deviation themselves. A constant history falls back to a sliver of the level, so a step
    // out of it is large but finite.
    private static double Spread(ReadOnlySpan<double> sorted, double median)
    {
        int count = sorted.Length;
        double squares = 0;
        foreach (double v in sorted)
        {
            squares += (v - median) * (v - median);
        }

        // The deviations below and above the median are each sorted when walked outwards from it: merging the two
        // walks gives the deviations in order, up to the middle rank(s) that make the MAD.
        int low = (count - 1) / 2;
        int high = low + 1;
        double lowerMiddle = 0;
        double upperMiddle = 0;
        for (int rank = 0; rank <= count / 2; rank++)
        {
            double below = low >= 0 ? median - sorted[low] : double.PositiveInfinity;
            double above = high < count ? sorted[high] - median : double.PositiveInfinity;
            double deviation;
            if (below <= above)
            {
                deviation = below;
                low--;
            }
            else
            {
                deviation = above;
                high++;
            }

            if (rank == (count - 1) / 2)
            {
                lowerMiddle = deviation;
            }

            if (rank == count / 2)
            {
                upperMiddle = deviation;
            }
        }

        double mad = (lowerMiddle + upperMiddle) / 2;
        double spread = Math.Max(1.4826 * mad, 0.5 * Math.Sqrt(squares / count));
        return spread > 0 ? spread : Math.Max(1e-3 * Math.Abs(median), 1e-9);
    }
}
