namespace OtlpGrains.Models.Detection.IsolationForest;

/// <summary>
/// Turns each signal's value into three features the trees can split on: the value, its step from the previous
/// window, and its distance from the mean of the previous <c>lags</c> windows. A missing value takes the
/// signal's last known value, so one empty window does not look like a collapse.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.iforest.LagEmbedding")]
public sealed class LagEmbedding
{
    /// <summary>Features per signal.</summary>
    public const int FeaturesPerSignal = 3;

    [Id(0)] private readonly double[] _history;
    [Id(1)] private readonly int _signals;
    [Id(2)] private readonly int _lags;
    [Id(3)] private int _next;
    [Id(4)] private int _count;

    public LagEmbedding(int signals, int lags)
    {
        _signals = signals;
        _lags = lags;
        _history = new double[signals * lags];
    }

    public int Signals => _signals;

    /// <summary>Windows seen, up to the number of lags.</summary>
    public int Count => _count;

    /// <summary>Writes the features of <paramref name="values"/> into <paramref name="features"/> and remembers the values.</summary>
    public void Embed(ReadOnlySpan<double> values, Span<double> features)
    {
        int newest = (_next - 1 + _lags) % _lags;
        for (int s = 0; s < _signals; s++)
        {
            double previous = _count == 0 ? double.NaN : _history[(newest * _signals) + s];
            double value = s < values.Length && double.IsFinite(values[s]) ? values[s] : previous;
            if (double.IsNaN(value))
            {
                value = 0;
            }

            double mean = 0;
            for (int k = 0; k < _count; k++)
            {
                mean += _history[(k * _signals) + s];
            }

            mean = _count == 0 ? value : mean / _count;
            features[(s * FeaturesPerSignal) + 0] = value;
            features[(s * FeaturesPerSignal) + 1] = double.IsNaN(previous) ? 0 : value - previous;
            features[(s * FeaturesPerSignal) + 2] = value - mean;
        }

        for (int s = 0; s < _signals; s++)
        {
            _history[(_next * _signals) + s] = features[s * FeaturesPerSignal];
        }

        _next = (_next + 1) % _lags;
        _count = Math.Min(_count + 1, _lags);
    }
}
