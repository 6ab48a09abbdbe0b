using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection;

/// <summary>
/// What the per-signal detectors share: validated options, a schema, a fresh state of their own type, the refusal of
/// another kind's state, and how many of a window's values they follow (an open-ended schema every value up to
/// <see cref="ISignalModelOptions.MaxSignals"/>, a closed one only its named signals).
/// </summary>
public abstract class SignalModel<TOptions, TState> : IAnomalyModel
    where TOptions : ISignalModelOptions
    where TState : DetectorState, new()
{
    protected SignalModel(FeatureSchema schema, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Schema = schema;
        Options = options;
    }

    public abstract string Kind { get; }

    public FeatureSchema Schema { get; }

    public TOptions Options { get; }

    public DetectorState NewState() => new TState();

    public AnomalyScore Score(DetectorState state, long windowStartUnixNano, ReadOnlySpan<double> values)
    {
        if (state is not TState own)
        {
            throw new ArgumentException($"a {Kind} model cannot use a state of kind '{state?.Kind}'", nameof(state));
        }

        int followed = Math.Min(Schema.OpenEnded ? values.Length : Math.Min(values.Length, Schema.Signals.Length), Options.MaxSignals);
        return Score(own, windowStartUnixNano, values, followed);
    }

    /// <summary>Scores one window with the model's own state, following its first <paramref name="followed"/> values.</summary>
    protected abstract AnomalyScore Score(TState state, long windowStartUnixNano, ReadOnlySpan<double> values, int followed);

    /// <summary>
    /// The window's score as its most novel signal's: each followed signal judges its value in its direction
    /// (<see cref="SignalDirections"/>); values past <paramref name="followed"/> get no score.
    /// </summary>
    protected AnomalyScore MostNovel<TSignal>(ReadOnlySpan<TSignal> signals, ReadOnlySpan<double> values, int followed)
        where TSignal : INoveltySignal<TOptions>
    {
        var scores = new double[values.Length];
        Array.Fill(scores, double.NaN);
        double strongest = 0;
        for (int i = 0; i < followed; i++)
        {
            double novelty = signals[i].Observe(values[i], SignalDirections.Of(Schema, i), Options);
            scores[i] = novelty;
            if (novelty > strongest)
            {
                strongest = novelty;
            }
        }

        return new AnomalyScore(strongest, scores);
    }
}
