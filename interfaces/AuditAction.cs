namespace OtlpGrains.Interfaces;

/// <summary>The registry operation that caused an audit entry.</summary>
[GenerateSerializer, Alias("otlpgrains.AuditAction")]
public enum AuditAction
{
    Register = 0,
    Promote = 1,
    Rollback = 2,
    Retire = 3,
}
