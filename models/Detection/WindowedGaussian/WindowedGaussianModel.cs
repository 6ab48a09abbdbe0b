namespace OtlpGrains.Models.Detection.WindowedGaussian;

/// <summary>
/// The benchmark's windowed Gaussian reference detector: each value is scored by the normal tail probability of
/// its z-score against the last <see cref="WindowSize"/> values (1 − Q(|z|)), and the window slides forward
/// <see cref="StepSize"/> values at a time. Each signal of the schema has its own window; the window's score is the
/// highest of its signals'. The defaults (6400 values, steps of 100) are the benchmark's.
/// </summary>
public sealed class WindowedGaussianModel : IAnomalyModel
{
    public const string ModelKind = "windowed-gaussian";

    public WindowedGaussianModel(int windowSize = 6400, int stepSize = 100, FeatureSchema? schema = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stepSize, windowSize);
        WindowSize = windowSize;
        StepSize = stepSize;
        Schema = schema ?? FeatureSchema.Univariate;
        if (Schema.Signals.Length == 0)
        {
            throw new ArgumentException("a windowed Gaussian needs at least one signal", nameof(schema));
        }
    }

    public string Kind => ModelKind;

    public FeatureSchema Schema { get; }

    public int WindowSize { get; }

    public int StepSize { get; }

    public DetectorState NewState() =>
        new WindowedGaussianState { Signals = [.. Schema.Signals.Select(_ => new GaussianWindow())] };

    public AnomalyScore Score(DetectorState state, long windowStartUnixNano, ReadOnlySpan<double> values)
    {
        if (state is not WindowedGaussianState own || own.Signals.Length != Schema.Signals.Length)
        {
            throw new ArgumentException($"state of kind '{state.Kind}' does not belong to this {ModelKind} model", nameof(state));
        }

        var signalScores = new double[Schema.Signals.Length];
        double score = 0;
        for (int i = 0; i < signalScores.Length; i++)
        {
            double value = i < values.Length ? values[i] : double.NaN;
            if (double.IsNaN(value))
            {
                // A missing value has no opinion and teaches nothing.
                signalScores[i] = double.NaN;
                continue;
            }

            signalScores[i] = own.Signals[i].Score(value);
            if (signalScores[i] > score)
            {
                score = signalScores[i];
            }

            own.Signals[i].Learn(value, WindowSize, StepSize);
        }

        return new AnomalyScore(score, signalScores);
    }
}
