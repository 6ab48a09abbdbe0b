namespace OtlpGrains.Models.Registry;

/// <summary>
/// Bounds that keep the registry's state small: it is written whole on every change. Artifacts live elsewhere, so
/// these count metadata only.
/// </summary>
/// <param name="MaxModels">Model names the registry holds; registering a new name beyond it is refused.</param>
/// <param name="MaxVersionsPerModel">Versions per model; registering beyond it is refused (versions are never deleted).</param>
/// <param name="MaxAuditEntriesPerModel">Audit entries kept per model; older ones are dropped and counted.</param>
/// <param name="MaxArtifactBytes">Largest artifact accepted.</param>
public sealed record RegistryLimits(int MaxModels, int MaxVersionsPerModel, int MaxAuditEntriesPerModel, long MaxArtifactBytes)
{
    /// <summary>16 MiB, the same bound as an OTLP request.</summary>
    public const long DefaultMaxArtifactBytes = 16L * 1024 * 1024;

    /// <summary>100 models, 100 versions each, 500 audit entries each, 16 MiB artifacts.</summary>
    public static RegistryLimits Default { get; } = new(100, 100, 500, DefaultMaxArtifactBytes);
}
