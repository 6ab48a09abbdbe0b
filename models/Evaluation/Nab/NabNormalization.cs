namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>
/// Puts a raw corpus score on the benchmark's scale: 0 is the null detector (which misses every window and costs
/// fnWeight for each), 100 the perfect one (which detects every window at its first row and earns tpWeight).
/// </summary>
public static class NabNormalization
{
    public static double NullScore(NabProfile profile, int windowCount) => -profile.FnWeight * windowCount;

    public static double PerfectScore(NabProfile profile, int windowCount) => profile.TpWeight * windowCount;

    public static double Normalize(double rawScore, NabProfile profile, int windowCount)
    {
        if (windowCount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(windowCount), "a corpus without anomaly windows cannot be normalised");
        }

        double nullScore = NullScore(profile, windowCount);
        return 100 * (rawScore - nullScore) / (PerfectScore(profile, windowCount) - nullScore);
    }
}
