namespace OtlpGrains.Models.Registry;

/// <summary>
/// When a version's scores count as drifted. Its reference distribution is the score bins of its first reports while
/// production or shadow, until they hold at least <see cref="ReferenceWindows"/> scores; after that, consecutive
/// periods of at least as many scores each are compared with it, and a period whose Population Stability Index is
/// above <see cref="PsiBound"/> recommends a retrain.
/// </summary>
/// <param name="ReferenceWindows">Scores in the reference, and in each recent period. Default: 1000.</param>
/// <param name="PsiBound">The index above which a retrain is recommended. Default: 0.25, the usual "significant shift".</param>
public sealed record DriftRule(int ReferenceWindows, double PsiBound)
{
    public static DriftRule Default { get; } = new(1000, 0.25);
}
