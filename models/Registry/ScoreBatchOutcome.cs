using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Registry;

/// <summary>
/// What became of one batch of score reports: how many were applied, how many named a model or version the registry
/// does not hold (a silo with a stale view; dropped, not counted as malformed), why each malformed one was refused,
/// and the retrain recommendations the batch raised (each already in its model's audit trail).
/// </summary>
public sealed record ScoreBatchOutcome(int Applied, int Unknown, string[] Problems, RetrainRecommended[] Recommendations)
{
    /// <summary>The batch changed stored state (scores, counts or audit) that must be written.</summary>
    public bool Changed => Applied > 0 || Problems.Length > 0;
}
