namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>
/// The benchmark's weighting of a detection by where it falls: early in a window is worth nearly 1, the window's
/// end nearly 0, and past the window a false alarm costs more the further it lies from the window it follows.
/// </summary>
public static class NabScoringFunction
{
    /// <summary>
    /// 2·sigmoid(−5·position) − 1: position −1 is a window's first row (0.9866), 0 its right edge (0), positive
    /// positions lie past the window and tend to −1; beyond 3 window lengths the cost is a flat −1.
    /// </summary>
    public static double ScaledSigmoid(double relativePosition) =>
        relativePosition > 3.0 ? -1.0 : (2.0 / (1.0 + Math.Exp(5.0 * relativePosition))) - 1.0;

    /// <summary>The best a detection can earn (at a window's first row), which scales true positives to 1.</summary>
    public static double MaxTruePositive { get; } = ScaledSigmoid(-1.0);
}
