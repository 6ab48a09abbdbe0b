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

    /// <summary>
    /// Seconds between writes of the score reports the silos sent, when any arrived (reports are kept in memory, not
    /// written one by one). Default: 60. Between 1 and 3600.
    /// </summary>
    public int ScoresFlushSeconds { get; set; } = 60;

    /// <summary>
    /// Archived versions per model whose reported scores are kept (the most recent); older ones' are dropped at the
    /// next flush. Default: 4.
    /// </summary>
    public int ArchivedScoresPerModel { get; set; } = 4;

    /// <summary>
    /// Scores in a version's drift reference (its first reported scores while production or shadow) and in each recent
    /// period compared with it. Default: 1000. Between 10 and 100000.
    /// </summary>
    public int DriftReferenceWindows { get; set; } = DriftRule.Default.ReferenceWindows;

    /// <summary>
    /// Population Stability Index of a recent period against the reference above which a retrain is recommended.
    /// Default: 0.25 (a significant shift). Above 0, at most 10.
    /// </summary>
    public double DriftPsiBound { get; set; } = DriftRule.Default.PsiBound;

    public DriftRule Drift() => new(DriftReferenceWindows, DriftPsiBound);

    public RegistryLimits Limits() => new(MaxModels, MaxVersionsPerModel, MaxAuditEntriesPerModel, MaxArtifactBytes);
}
