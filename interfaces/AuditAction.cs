namespace OtlpGrains.Interfaces;

/// <summary>
/// The registry operation that caused an audit entry. <see cref="RetrainRecommended"/> changes no stage (from and to
/// are the version's stage): the registry records that the version's scores drifted past the bound.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.AuditAction")]
public enum AuditAction
{
    Register = 0,
    Promote = 1,
    Rollback = 2,
    Retire = 3,
    RetrainRecommended = 4,
}
