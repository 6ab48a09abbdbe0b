namespace OtlpGrains.Models.Detection.Sequences;

/// <summary>
/// A running robust scale per signal: the median and the median absolute deviation of the last
/// <see cref="Capacity"/> values, so that services (or NAB files) of any magnitude feed a model values of the same
/// spread, and a burst of outliers barely moves the scale.
/// </summary>
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

    public RobustScale(int signals)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(signals, 1);
        _values = new double[signals * Capacity];
        _counts = new int[signals];
        _heads = new int[signals];
    }

    public int Signals => _counts.Length;

    /// <summary>True once every signal has enough history.</summary>
    public bool Ready => _counts.All(c => c >= MinHistory);

    /// <summary>
    /// Writes <paramref name="values"/> in scale units into <paramref name="normalised"/>: (x - median) / scale,
    /// clipped; 0 where a value is missing (NaN) or its signal has too little history.
    /// </summary>
    public void Normalise(ReadOnlySpan<double> values, Span<float> normalised)
    {
        Span<double> sorted = stackalloc double[Capacity];
        for (int s = 0; s < Signals; s++)
        {
            double x = s < values.Length ? values[s] : double.NaN;
            int count = _counts[s];
            if (double.IsNaN(x) || count < MinHistory)
            {
                normalised[s] = 0;
                continue;
            }

            Span<double> history = sorted[..count];
            _values.AsSpan(s * Capacity, count).CopyTo(history);
            history.Sort();
            double median = Median(history);
            for (int i = 0; i < count; i++)
            {
                history[i] = Math.Abs(history[i] - median);
            }

            history.Sort();
            double scale = Scale(Median(history), history, median);
            normalised[s] = (float)(Compression * Math.Asinh((x - median) / scale / Compression));
        }
    }

    /// <summary>Adds a window's values (NaN values are skipped).</summary>
    public void Learn(ReadOnlySpan<double> values)
    {
        for (int s = 0; s < Signals; s++)
        {
            double x = s < values.Length ? values[s] : double.NaN;
            if (double.IsNaN(x) || double.IsInfinity(x))
            {
                continue;
            }

            _values[(s * Capacity) + _heads[s]] = x;
            _heads[s] = (_heads[s] + 1) % Capacity;
            _counts[s] = Math.Min(_counts[s] + 1, Capacity);
        }
    }

    private static double Median(ReadOnlySpan<double> sorted) =>
        (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]) / 2;

    // The MAD alone collapses on quantised or mostly-constant series (MAD 0 while bursts come and go), and every
    // burst would then sit at the clip. Half the standard deviation about the median is a floor that bursts raise
    // themselves; a constant history falls back to a sliver of the level, so a step out of it is large but finite.
    private static double Scale(double mad, ReadOnlySpan<double> deviations, double median)
    {
        double squares = 0;
        foreach (double d in deviations)
        {
            squares += d * d;
        }

        double spread = Math.Max(1.4826 * mad, 0.5 * Math.Sqrt(squares / deviations.Length));
        return spread > 0 ? spread : Math.Max(1e-3 * Math.Abs(median), 1e-9);
    }
}
