namespace OtlpGrains.Gateway.Hosting;

/// <summary>
/// Something besides the cluster that must work for this process to take telemetry, asked by <c>/readyz</c>: a silo in
/// durable mode registers its database, since a batch it cannot log is refused.
/// </summary>
public interface IReadinessCheck
{
    /// <summary>Null when ready; otherwise the one-line reason <c>/readyz</c> gives.</summary>
    Task<string?> ProblemAsync(CancellationToken cancellationToken);
}
