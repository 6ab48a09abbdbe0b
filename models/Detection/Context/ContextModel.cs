using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection.Context;

/// <summary>
/// A contextual detector (<see cref="SignalContext"/> per signal): a signal's score is the novelty of its value in
/// the context of its recent values, and the window's score is that of its most novel signal. In a RED window only
/// rises of the error ratio and the latencies count (<see cref="SignalDirections"/>).
/// </summary>
public sealed class ContextModel : SignalModel<ContextOptions, ContextState>
{
    /// <summary>The kind name in artifacts and the registry.</summary>
    public const string KindName = "context";

    public ContextModel(FeatureSchema schema, ContextOptions options)
        : base(schema, options)
    {
    }

    public override string Kind => KindName;

    protected override AnomalyScore Score(ContextState context, long windowStartUnixNano, ReadOnlySpan<double> values, int followed) =>
        MostNovel(context.Signals(followed, Options), values, followed);
}
