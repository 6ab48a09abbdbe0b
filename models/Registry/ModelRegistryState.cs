namespace OtlpGrains.Models.Registry;

/// <summary>What the registry grain stores: every model's metadata (never the artifacts) and a refusal count.</summary>
[GenerateSerializer, Alias("otlpgrains.ModelRegistryState")]
public sealed class ModelRegistryState
{
    [Id(0)]
    public Dictionary<string, RegisteredModel> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Uploads refused before any change (bad artifact, schema, size...). Stored with the next change.</summary>
    [Id(1)]
    public long RefusedUploads { get; set; }
}
