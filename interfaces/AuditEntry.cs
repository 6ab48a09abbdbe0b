namespace OtlpGrains.Interfaces;

/// <summary>
/// One stage change of one version. An operation that moves two versions (a promotion that displaces the production
/// version, a rollback) writes two entries with the same time, who and why.
/// </summary>
/// <param name="From">The stage before; null when the version was just registered.</param>
[GenerateSerializer, Immutable, Alias("otlpgrains.AuditEntry")]
public sealed record AuditEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Who,
    [property: Id(2)] AuditAction Action,
    [property: Id(3)] int Version,
    [property: Id(4)] ModelStage? From,
    [property: Id(5)] ModelStage To,
    [property: Id(6)] string Reason);
