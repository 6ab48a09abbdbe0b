using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Models;

/// <summary>
/// Holds one version's artifact in grain storage. Silos read it once each through their <see cref="ModelCache"/>,
/// so an idle artifact leaves memory soon.
/// </summary>
[CollectionAgeLimit(Minutes = 2)]
internal sealed class ModelArtifactGrain(
    [PersistentState("artifact", StorageNames.Models)] IPersistentState<ModelArtifactState> state) : Grain, IModelArtifactGrain
{
    public async ValueTask StoreAsync(ModelArtifact artifact)
    {
        // Only the registry writes, and only for a version number it has not given out yet. A second write happens
        // only when the registry failed to record the version after the first, so the newer bytes are the right ones.
        state.State.Artifact = artifact;
        await state.WriteStateAsync();
    }

    public ValueTask<ModelArtifact?> GetAsync() => ValueTask.FromResult(state.State.Artifact);
}
