namespace OtlpGrains.Models.Detection;

/// <summary>
/// A model's judgement of one window: <see cref="Score"/> in [0, 1] (0 normal, 1 as anomalous as the model can say),
/// and a score per value of the window's vector in the same order, so that an alarm can name the signals that
/// drove it. A signal's score is NaN when the model has no opinion on it (missing value, still learning).
/// </summary>
public readonly record struct AnomalyScore(double Score, double[] SignalScores)
{
    /// <summary>The score of a window the model could not judge yet (warm-up).</summary>
    public static AnomalyScore Unknown(int signals)
    {
        var scores = new double[signals];
        Array.Fill(scores, double.NaN);
        return new AnomalyScore(0, scores);
    }
}
