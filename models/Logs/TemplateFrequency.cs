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

    /// <summary>Surprise, in nats, of <paramref name="count"/> records of template <paramref name="id"/> in a window (rises only).</summary>
    public double Surprise(int id, long count)
    {
        double mean = id < _known ? _mean[id] : Zero;
        double spread = id < _known ? Math.Sqrt(_variance[id]) : 1;
        double z = (Anscombe(count) - mean) / Math.Max(spread, 1);
        return z <= 0 ? 0 : GaussianTail.Surprise(z);
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

        _known = known;
    }

    private static double Anscombe(long count) => 2 * Math.Sqrt(count + 0.375);
}
