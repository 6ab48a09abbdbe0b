namespace OtlpGrains.Silo;

/// <summary>Where grain state lives. Section <c>OtlpGrains:Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "OtlpGrains:Storage";

    /// <summary>
    /// <c>memory</c>: all state in the silo's memory, lost when it stops (a single node, tests).
    /// <c>postgres</c>: clustering, grain state, reminders, the per-service batch log and the kept traces in PostgreSQL; several silos
    /// form one cluster, and every acknowledged span is counted exactly once across silo crashes. Default: memory.
    /// </summary>
    public string Provider { get; set; } = "memory";

    /// <summary>Npgsql connection string, required for <c>postgres</c>. Default: none.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Apply <c>deploy/sql/postgresql/*.sql</c> at start-up (idempotent, under an advisory lock). When off, start-up
    /// fails with one line if the schema is missing or old. Default: true.
    /// </summary>
    public bool ApplySchema { get; set; } = true;

    public bool IsPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase);
}
