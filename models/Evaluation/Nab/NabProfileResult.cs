namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>A detector's result on the corpus under one profile, at one threshold for every file.</summary>
public sealed record NabProfileResult(
    NabProfile Profile,
    double Threshold,
    double RawScore,
    double NormalizedScore,
    IReadOnlyList<NabFileScore> Files);
