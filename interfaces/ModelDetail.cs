namespace OtlpGrains.Interfaces;

/// <summary>
/// One model in full: every version with its stage and facts, the versions rollback would return to (most recent
/// last), the audit trail, oldest first, with the count of entries dropped beyond its limit, and what the silos
/// reported of each version that was scored (<see cref="Scores"/>, by version number).
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ModelDetail")]
public sealed record ModelDetail(
    [property: Id(0)] string Name,
    [property: Id(1)] FeatureSchema Schema,
    [property: Id(2)] ModelVersion[] Versions,
    [property: Id(3)] int? Production,
    [property: Id(4)] int? Shadow,
    [property: Id(5)] int[] RollbackTo,
    [property: Id(6)] AuditEntry[] Audit,
    [property: Id(7)] long DroppedAuditEntries,
    [property: Id(8)] VersionScoreSummary[] Scores);
