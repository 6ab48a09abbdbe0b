namespace OtlpGrains.Models.Detection.Resonance;

/// <summary>
/// Fuzzy ART categories with two vigilances (after the dual-vigilance fuzzy ART that ARTime builds on). An input of d
/// features in [0, 1] is complement-coded (x, 1 − x), and a category is a box: its weights are the componentwise
/// minimum of every input it learned. A category's match to an input is (|x ∧ w| / |w|)³ · e², where e is the same
/// ratio over the newest level alone (the last feature and its complement): the shape must fit, and so must where
/// it ends. An input whose best match reaches the upper vigilance is learned by every category that close; one
/// between the two vigilances starts a new category (a variant of a known cluster); one below the lower vigilance
/// starts a new cluster: it is novel. At most <c>capacity</c> categories are kept, the one matched longest ago gives
/// way.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.resonance.FuzzyCategories")]
public sealed class FuzzyCategories
{
    [Id(0)] private readonly int _dimension;
    [Id(1)] private double[] _weights = [];
    [Id(2)] private long[] _lastUsed = [];
    [Id(3)] private int _count;
    [Id(4)] private readonly int _capacity;

    public FuzzyCategories(int dimension, int capacity)
    {
        _dimension = dimension;
        _capacity = capacity;
    }

    /// <summary>Categories held.</summary>
    public int Count => _count;

    /// <summary>
    /// Matches <paramref name="input"/> (d features in [0, 1]) and, when <paramref name="learn"/>, learns it. Returns
    /// the best match and that category's match on the newest level alone (both 1 for the very first input, which
    /// founds the first category), and whether the input was novel (it started a new cluster).
    /// </summary>
    public (double Match, double Energy, bool Novel) Train(ReadOnlySpan<double> input, double lowerVigilance, double upperVigilance, long tick, bool learn = true)
    {
        if (_count == 0)
        {
            if (learn)
            {
                Add(input, tick);
            }

            return (1, 1, false);
        }

        Span<double> matches = _count <= 1024 ? stackalloc double[_count] : new double[_count];
        int best = 0;
        double bestEnergy = 0;
        for (int c = 0; c < _count; c++)
        {
            matches[c] = MatchOf(c, input, out double energy);
            if (matches[c] > matches[best] || c == 0)
            {
                best = c;
                bestEnergy = energy;
            }
        }

        double match = matches[best];
        if (!learn)
        {
            return (match, bestEnergy, false);
        }

        if (match >= upperVigilance)
        {
            // Resonance: every category this close takes the input in (fast learning, w ← x ∧ w).
            for (int c = 0; c < _count; c++)
            {
                if (matches[c] >= upperVigilance)
                {
                    Shrink(c, input);
                }
            }

            _lastUsed[best] = tick;
            return (match, bestEnergy, false);
        }

        Add(input, tick);
        return (match, bestEnergy, match < lowerVigilance);
    }

    /// <summary>
    /// Maps the level features (from <paramref name="firstLevel"/> on) of every category from one range to a wider one:
    /// a box [lo, hi] in the old range becomes the same values' box in the new, so what was learned stays learned.
    /// </summary>
    public void Rescale(int firstLevel, double oldLow, double oldHigh, double newLow, double newHigh)
    {
        double oldWidth = oldHigh - oldLow, newWidth = newHigh - newLow;
        if (newWidth <= 0)
        {
            return;
        }

        int coded = 2 * _dimension;
        for (int c = 0; c < _count; c++)
        {
            Span<double> w = _weights.AsSpan(c * coded, coded);
            for (int k = firstLevel; k < _dimension; k++)
            {
                double low = ((w[k] * oldWidth) + oldLow - newLow) / newWidth;
                double high = (((1 - w[_dimension + k]) * oldWidth) + oldLow - newLow) / newWidth;
                w[k] = Math.Clamp(low, 0, 1);
                w[_dimension + k] = Math.Clamp(1 - high, 0, 1);
            }
        }
    }

    private double MatchOf(int category, ReadOnlySpan<double> input, out double energy)
    {
        ReadOnlySpan<double> w = _weights.AsSpan(category * 2 * _dimension, 2 * _dimension);
        double common = 0, size = 0;
        for (int k = 0; k < _dimension; k++)
        {
            double x = input[k];
            common += Math.Min(x, w[k]) + Math.Min(1 - x, w[_dimension + k]);
            size += w[k] + w[_dimension + k];
        }

        int last = _dimension - 1;
        double newest = input[last];
        double lastSize = w[last] + w[(2 * _dimension) - 1];
        energy = lastSize > 0 ? (Math.Min(newest, w[last]) + Math.Min(1 - newest, w[(2 * _dimension) - 1])) / lastSize : 1;
        double shape = common / Math.Max(size, 1e-3);
        return shape * shape * shape * energy * energy;
    }

    private void Shrink(int category, ReadOnlySpan<double> input)
    {
        Span<double> w = _weights.AsSpan(category * 2 * _dimension, 2 * _dimension);
        for (int k = 0; k < _dimension; k++)
        {
            w[k] = Math.Min(w[k], input[k]);
            w[_dimension + k] = Math.Min(w[_dimension + k], 1 - input[k]);
        }
    }

    private void Add(ReadOnlySpan<double> input, long tick)
    {
        int slot = _count;
        if (_count == _capacity)
        {
            // Full: the category matched longest ago gives way (bounded state for a service that runs for months).
            slot = 0;
            for (int c = 1; c < _count; c++)
            {
                if (_lastUsed[c] < _lastUsed[slot])
                {
                    slot = c;
                }
            }
        }
        else
        {
            if (_count == _lastUsed.Length)
            {
                // The store grows by doubling up to the capacity: a quiet signal keeps a small state.
                int grown = Math.Min(_capacity, Math.Max(8, 2 * _lastUsed.Length));
                Array.Resize(ref _lastUsed, grown);
                Array.Resize(ref _weights, grown * 2 * _dimension);
            }

            _count++;
        }

        Span<double> w = _weights.AsSpan(slot * 2 * _dimension, 2 * _dimension);
        for (int k = 0; k < _dimension; k++)
        {
            w[k] = input[k];
            w[_dimension + k] = 1 - input[k];
        }

        _lastUsed[slot] = tick;
    }
}
