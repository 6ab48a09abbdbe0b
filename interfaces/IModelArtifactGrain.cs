namespace OtlpGrains.Interfaces;

/// <summary>
/// The artifact of one model version, keyed <c>name/version</c> (<see cref="KeyOf"/>), in grain storage
/// <see cref="StorageNames.Models"/>. One grain per version keeps the registry's own state small. Only the registry
/// writes, once per version number, before the version exists for anyone else.
/// </summary>
[Alias("otlpgrains.IModelArtifactGrain")]
public interface IModelArtifactGrain : IGrainWithStringKey
{
    public static string KeyOf(string model, int version) => $"{model}/{version}";

    /// <summary>Stores the artifact durably; answers once the storage has it.</summary>
    [Alias("Store")]
    ValueTask StoreAsync(ModelArtifact artifact);

    /// <summary>The artifact, or null when none was stored under this key.</summary>
    [Alias("Get")]
    ValueTask<ModelArtifact?> GetAsync();
}
