using OtlpGrains.Models.Registry;

namespace OtlpGrains.Grains.Models;

/// <summary>Limits of the model registry and the per-silo model cache (<c>OtlpGrains:Models</c>).</summary>
public sealed class ModelRegistryOptions
{
    public const string SectionName = "OtlpGrains:Models";

    /// <summary>Bound on <see cref="MaxArtifactBytes"/>, well under Orleans' largest message body (100 MB).</summary>
    public const long ArtifactBytesCeiling = 64L * 1024 * 1024;

    /// <summary>Largest artifact a version may carry. Default: 16 MiB. At most 64 MiB.</summary>
    public long MaxArtifactBytes { get; set; } = RegistryLimits.DefaultMaxArtifactBytes;

    /// <summary>Model names the registry holds; a new name beyond it is refused. Default: 100.</summary>
    public int MaxModels { get; set; } = RegistryLimits.Default.MaxModels;

    /// <summary>Versions per model; registering beyond it is refused (versions are never deleted). Default: 100.</summary>
    public int MaxVersionsPerModel { get; set; } = RegistryLimits.Default.MaxVersionsPerModel;

    /// <summary>Audit entries kept per model; the oldest beyond it are dropped and counted. Default: 500.</summary>
    public int MaxAuditEntriesPerModel { get; set; } = RegistryLimits.Default.MaxAuditEntriesPerModel;

    /// <summary>Loaded model versions a silo keeps; the least recently used is dropped beyond it. Default: 16.</summary>
    public int CachedModels { get; set; } = 16;

    public RegistryLimits Limits() => new(MaxModels, MaxVersionsPerModel, MaxAuditEntriesPerModel, MaxArtifactBytes);
}
