using OtlpGrains.Models.Detection.Baseline;

namespace OtlpGrains.Models.Logs;

/// <summary>
/// Each template's usual number of records per window, learned online, and how surprising a window's count is
/// against it. Counts are judged on the Anscombe scale y = 2·sqrt(k + 3/8), on which a Poisson count has unit
/// variance whatever its mean; each template's own mean and variance on that scale (exponentially weighted with
/// <see cref="HalfLifeWindows"/>, the spread floored at 1, the Poisson value) absorb bursty templates. A template
/// seen for the first time is judged as one that had been at zero. Every window teaches every template known (absent
/// ones counted 0), so a template that goes quiet drifts back to zero. Bounded by the templates of the service.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.logs.TemplateFrequency")]
public sealed class TemplateFrequency
{
    /// <summary>Half-life of the learned mean and variance, in windows (about 17 minutes of 10 s windows).</summary>
    public const double HalfLifeWindows = 100;

    private static readonly double Alpha = 1 - Math.Pow(2, -1 / HalfLifeWindows);

    private static readonly double Zero = Anscombe(0);

    [Id(0)] private double[] _mean = [];
    [Id(1)] private double[] _variance = [];
    [Id(2)] private int _known;

    // Windows learned (capped: only compared with small numbers), and for each template how many had been learned when
    // it first came. Empty (or null) in a model stored before these were kept: its templates count as long learned.
    [Id(3)] private int _windowsLearned;
    [Id(4)] private int[]? _bornAt = [];

    /// <summary>Surprise, in nats, of <paramref name="count"/> records of template <paramref name="id"/> in a window (rises only).</summary>
    public double Surprise(int id, long count)
    {
        double mean = id < _known ? _mean[id] : Zero;
        double spread = id < _known ? Math.Sqrt(_variance[id]) : 1;
        double z = (Anscombe(count) - mean) / Math.Max(spread, 1);
        return z <= 0 ? 0 : GaussianTail.Surprise(z);
    }

    /// <summary>
    /// Surprise, in nats, of <paramref name="lines"/> records of template <paramref name="id"/> over the last
    /// <paramref name="windows"/> windows together (rises only): the Chernoff bound of a Poisson tail,
    /// K·ln(K/μ) − K + μ, with μ the template's usual lines per window times the windows, divided by its learned
    /// dispersion on the Anscombe scale (1 for a Poisson count, more for a bursty template). A quiet service's error
    /// template that returns at a line or two per window is not surprising in any one window but is over a minute.
    /// The usual rate is floored at one line per <see cref="MemoryWindows"/> (what the model remembers), so a
    /// template at zero is judged as one seen once in that span. This is the Poisson half-deviance, which a
    /// dispersion scales as quasi-Poisson does; <see cref="Statistics.PoissonTail"/>'s exact probability has no such
    /// scaling, and its 1 − P(X &lt; K) runs out of precision past about 37 nats.
    /// </summary>
    public double RangeSurprise(int id, long lines, int windows)
    {
        if (lines <= 0 || windows <= 0)
        {
            return 0;
        }

        double mean = id < _known ? _mean[id] : Zero;
        double dispersion = id < _known ? Math.Max(_variance[id], 1) : 1;
        double perWindow = Math.Max((mean / 2 * (mean / 2)) - 0.375, 1 / MemoryWindows);
        double expected = perWindow * windows;
        return lines <= expected ? 0 : ((lines * Math.Log(lines / expected)) - lines + expected) / dispersion;
    }

    /// <summary>The windows the learned means remember: 1/α of the exponential weighting (about 144).</summary>
    public static double MemoryWindows => 1 / Alpha;

    /// <summary>
    /// True when template <paramref name="id"/>'s usual rate means something for <see cref="RangeSurprise"/>: it
    /// first came once the service's model had learned <paramref name="settlingWindows"/> windows (the service ran
    /// without it, so "had been at zero" holds), or it has been learned for <see cref="MemoryWindows"/> since. A
    /// template of the service's first minutes is neither until its mean has caught up with it.
    /// </summary>
    public bool RateKnown(int id, int settlingWindows)
    {
        if (_bornAt is null || id >= _known || id >= _bornAt.Length)
        {
            return id < _known;
        }

        return _bornAt[id] >= settlingWindows || _windowsLearned - _bornAt[id] >= MemoryWindows;
    }

    /// <summary>Learns one window's counts (by template id, ascending): every known template moves toward its count.</summary>
    public void Learn(ReadOnlySpan<KeyValuePair<int, long>> counts)
    {
        int highest = counts.Length > 0 ? counts[^1].Key : -1;
        if (highest >= _known)
        {
            Grow(highest + 1);
        }

        int next = 0;
        for (int id = 0; id < _known; id++)
        {
            long count = 0;
            if (next < counts.Length && counts[next].Key == id)
            {
                count = counts[next++].Value;
            }

            double y = Anscombe(count);
            double delta = y - _mean[id];
            _mean[id] += Alpha * delta;
            _variance[id] += Alpha * ((delta * delta) - _variance[id]);
        }

        _windowsLearned = (int)Math.Min((long)_windowsLearned + 1, 1_000_000);
    }

    private void Grow(int known)
    {
        int capacity = Math.Max(known, _mean.Length * 2);
        Array.Resize(ref _mean, capacity);
        Array.Resize(ref _variance, capacity);
        for (int id = _known; id < known; id++)
        {
            _mean[id] = Zero;
            _variance[id] = 1;
        }

        // A model stored before births were kept has none to extend: its templates, new ones too, count as long learned.
        if (_bornAt is { } births && births.Length >= _known)
        {
            Array.Resize(ref births, capacity);
            Array.Fill(births, _windowsLearned, _known, known - _known);
            _bornAt = births;
        }

        _known = known;
    }

    private static double Anscombe(long count) => 2 * Math.Sqrt(count + 0.375);
}
