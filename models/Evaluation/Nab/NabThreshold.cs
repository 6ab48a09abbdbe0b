namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>A threshold and the corpus's raw (unnormalised) score at it.</summary>
public readonly record struct NabThreshold(double Threshold, double RawScore);
