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

    protected override AnomalyScore Score(ResonanceState state, long windowStartUnixNano, ReadOnlySpan<double> values, int followed) =>
        MostNovel(state.Signals(followed, Options), values, followed);
}
