using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection.Context;

/// <summary>
/// A contextual detector (<see cref="SignalContext"/> per signal): a signal's score is the novelty of its value in
/// the context of its recent values, and the window's score is that of its most novel signal. In a RED window only
/// rises of the error ratio and the latencies count (<see cref="SignalDirections"/>).
/// </summary>
public sealed class ContextModel : IAnomalyModel
{
    /// <summary>The kind name in artifacts and the registry.</summary>
    public const string KindName = "context";

    public ContextModel(FeatureSchema schema, ContextOptions options)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Schema = schema;
        Options = options;
    }

    public string Kind => KindName;

    public FeatureSchema Schema { get; }

    public ContextOptions Options { get; }

    public DetectorState NewState() => new ContextState();

    public AnomalyScore Score(DetectorState state, long windowStartUnixNano, ReadOnlySpan<double> values)
    {
        if (state is not ContextState context)
        {
            throw new ArgumentException($"a {KindName} model cannot use a state of kind '{state?.Kind}'", nameof(state));
        }

        // An open-ended schema follows every value up to the cap; a closed one only its named signals.
        int followed = Math.Min(Schema.OpenEnded ? values.Length : Math.Min(values.Length, Schema.Signals.Length), Options.MaxSignals);
        var scores = new double[values.Length];
        Array.Fill(scores, double.NaN);
        ReadOnlySpan<SignalContext> signals = context.Signals(followed, Options);
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
