namespace OtlpGrains.Interfaces;

/// <summary>
/// The cluster's one model registry (key <see cref="DefaultKey"/>): named models with immutable versions 1, 2, 3...,
/// their stages (candidate, shadow, production, archived) and an audit trail. Metadata lives in grain storage
/// <see cref="StorageNames.Models"/>; each version's artifact in its own <see cref="IModelArtifactGrain"/>. Expected
/// refusals come back as <see cref="RegistryResult.Refusal"/> with a one-line reason and change nothing.
/// </summary>
[Alias("otlpgrains.IModelRegistryGrain")]
public interface IModelRegistryGrain : IGrainWithStringKey
{
    /// <summary>The key of the one registry.</summary>
    public const string DefaultKey = "default";

    /// <summary>Every model, sorted by name.</summary>
    [Alias("List")]
    ValueTask<ModelSummary[]> ListAsync();

    /// <summary>One model in full, or null when no model has that name.</summary>
    [Alias("Get")]
    ValueTask<ModelDetail?> GetAsync(string name);

    /// <summary>The version now in production, or null when the model has none (or does not exist).</summary>
    [Alias("GetProduction")]
    ValueTask<ModelVersion?> GetProductionAsync(string name);

    [Alias("GetCounts")]
    ValueTask<ModelRegistryCounts> GetCountsAsync();

    /// <summary>
    /// Checks the upload (size, SHA-256, kind, that the kind's codec loads it, schema), stores the artifact, and adds
    /// the version as a candidate.
    /// </summary>
    [Alias("Register")]
    ValueTask<RegistryResult> RegisterAsync(ModelUpload upload);

    /// <summary>Moves a version to shadow or production; publishes a <see cref="ModelChanged"/> per stage change.</summary>
    [Alias("Promote")]
    ValueTask<RegistryResult> PromoteAsync(string name, int version, ModelStage stage, string who, string reason);

    /// <summary>Puts the previous production version back; publishes a <see cref="ModelChanged"/> per stage change.</summary>
    [Alias("Rollback")]
    ValueTask<RegistryResult> RollbackAsync(string name, string who, string reason);

    /// <summary>Archives a version that is not in production.</summary>
    [Alias("Retire")]
    ValueTask<RegistryResult> RetireAsync(string name, int version, string who, string reason);

    /// <summary>
    /// Adds what a silo's service grains saw of model versions since its last report (windows scored, the score
    /// distribution, shadow agreement). Reports of unknown models or versions are ignored.
    /// </summary>
    [Alias("ReportScores")]
    ValueTask ReportScoresAsync(ModelScoreReport[] reports);
}
