using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.Context;

namespace OtlpGrains.Models.Detection.Corroborated;

/// <summary>
/// The baseline's statistical surprise and the context detector's novelty, fused: per signal and per window the score
/// is (b + w·c) / (1 + w), with b the baseline's score, c the context's and w
/// <see cref="CorroboratedOptions.ContextWeight"/>. The two look at different things: the baseline at how far a
/// value lies from the recent level and scale (seasonally), the context at whether the shape the value completes has
/// been seen. Either alone can alarm; a window that both find unusual is carried highest. After a window reaches
/// <see cref="CorroboratedOptions.AlarmScore"/>, the next <see cref="CorroboratedOptions.RestWindows"/> windows score
/// 0 unless they score higher still (their signal scores are always given): an incident is reported at its onset and
/// again only as it grows.
/// </summary>
public sealed class CorroboratedModel : IAnomalyModel
{
    /// <summary>The kind name in artifacts and the registry.</summary>
    public const string KindName = "baseline-context";

    public CorroboratedModel(FeatureSchema schema, CorroboratedOptions options)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Schema = schema;
        Options = options;
        BaselinePart = new BaselineModel(schema, options.Baseline);
        ContextPart = new ContextModel(schema, options.Context);
    }

    public string Kind => KindName;

    public FeatureSchema Schema { get; }

    public CorroboratedOptions Options { get; }

    internal BaselineModel BaselinePart { get; }

    internal ContextModel ContextPart { get; }

    public DetectorState NewState() => new CorroboratedState((BaselineState)BaselinePart.NewState(), (ContextState)ContextPart.NewState());

    public AnomalyScore Score(DetectorState state, long windowStartUnixNano, ReadOnlySpan<double> values)
    {
        if (state is not CorroboratedState both)
        {
            throw new ArgumentException($"a {KindName} model cannot use a state of kind '{state?.Kind}'", nameof(state));
        }

        AnomalyScore b = BaselinePart.Score(both.Baseline, windowStartUnixNano, values);
        AnomalyScore c = ContextPart.Score(both.Context, windowStartUnixNano, values);
        double w = Options.ContextWeight;
        var scores = new double[values.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            double bi = b.SignalScores[i], ci = c.SignalScores[i];
            // A part still warming up has no opinion and adds nothing; with neither, the signal has none.
            scores[i] = double.IsNaN(bi) && double.IsNaN(ci)
                ? double.NaN
                : (Known(bi) + (w * Known(ci))) / (1 + w);
        }

        double score = (b.Score + (w * c.Score)) / (1 + w);
        if (both.RestLeft > 0)
        {
            both.RestLeft--;
            // Only a window stronger than the one that started the rest breaks through it: a service's own threshold
            // may not have flagged that one, and an incident that grows must still reach it.
            if (score <= both.RestScore)
            {
                return new AnomalyScore(0, scores);
            }
        }

        if (score >= Options.AlarmScore)
        {
            both.RestLeft = Options.RestWindows;
            both.RestScore = score;
        }

        return new AnomalyScore(score, scores);
    }

    private static double Known(double score) => double.IsNaN(score) ? 0 : score;
}
