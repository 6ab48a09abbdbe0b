namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>
/// One file scored at one threshold under one profile. <see cref="Contributions"/> lays the score out per row as
/// the benchmark's <c>S(t)_&lt;profile&gt;</c> columns do: a window's reward or cost on its first row, each false
/// alarm's cost on its own row, so that they sum to <see cref="RawScore"/>.
/// </summary>
public sealed record NabFileScore(
    string RelativePath,
    double RawScore,
    int DetectedWindows,
    int MissedWindows,
    int FalsePositives,
    double[] Contributions);
