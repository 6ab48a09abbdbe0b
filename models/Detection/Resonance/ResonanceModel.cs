using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection.Resonance;

/// <summary>
/// An adaptive-resonance detector (<see cref="SignalResonance"/> per signal, after ARTime): a signal's score is the
/// novelty of the shape its latest point completes, and the window's score is that of its most novel signal. In a
/// RED window only rises of the error ratio and the latencies count (<see cref="SignalDirections"/>).
/// </summary>
public sealed class ResonanceModel : SignalModel<ResonanceOptions, ResonanceState>
{
    /// <summary>The kind name in artifacts and the registry.</summary>
    public const string KindName = "resonance";

    public ResonanceModel(FeatureSchema schema, ResonanceOptions options)
        : base(schema, options)
    {
    }

    public override string Kind => KindName;

    protected override AnomalyScore Score(ResonanceState state, long windowStartUnixNano, ReadOnlySpan<double> values, int followed)
    {
        var scores = new double[values.Length];
        Array.Fill(scores, double.NaN);
        ReadOnlySpan<SignalResonance> signals = state.Signals(followed, Options);
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
