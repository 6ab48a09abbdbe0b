using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection.Baseline;

/// <summary>
/// The default detector of every service: a robust, seasonal streaming baseline per signal
/// (<see cref="SignalBaseline"/>). A signal's score maps its surprise s (nats) to s / (s + h), with h
/// <see cref="BaselineOptions.HalfScoreSurprise"/>, after taking ln(signals judged) off every signal's surprise for
/// having looked at several; the window's score is that of its most surprising signal. In a RED window only rises of
/// the error ratio and the latencies count (<see cref="SignalDirections"/>).
/// </summary>
public sealed class BaselineModel : SignalModel<BaselineOptions, BaselineState>
{
    /// <summary>The kind name in artifacts and the registry.</summary>
    public const string KindName = "baseline";

    public BaselineModel(FeatureSchema schema, BaselineOptions options)
        : base(schema, options)
    {
    }

    public override string Kind => KindName;

    protected override AnomalyScore Score(BaselineState baseline, long windowStartUnixNano, ReadOnlySpan<double> values, int followed)
    {
        var scores = new double[values.Length];
        Array.Fill(scores, double.NaN);
        ReadOnlySpan<SignalBaseline> signals = baseline.Signals(followed, Options);
        double strongest = double.NaN;
        int judged = 0;
        for (int i = 0; i < followed; i++)
        {
            double surprise = signals[i].Observe(windowStartUnixNano, values[i], SignalDirections.Of(Schema, i), Options);
            if (double.IsNaN(surprise))
            {
                continue;
            }

            judged++;
            scores[i] = surprise;
            strongest = double.IsNaN(strongest) ? surprise : Math.Max(strongest, surprise);
        }

        if (judged == 0)
        {
            return new AnomalyScore(0, scores);
        }

        // Each signal's surprise, and so the window's, less ln(signals judged): having looked at several signals, the
        // most surprising of them is that much less surprising (a Bonferroni correction in nats). Every signal is then
        // judged against its own threshold on this corrected score.
        double looked = Math.Log(judged);
        for (int i = 0; i < followed; i++)
        {
            scores[i] = double.IsNaN(scores[i]) ? double.NaN : ToScore(Math.Max(0, scores[i] - looked));
        }

        return new AnomalyScore(ToScore(Math.Max(0, strongest - looked)), scores);
    }

    private double ToScore(double surprise) => surprise / (surprise + Options.HalfScoreSurprise);
}
