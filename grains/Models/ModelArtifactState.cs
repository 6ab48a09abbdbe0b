using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Models;

/// <summary>Stored state of one version's artifact.</summary>
[GenerateSerializer, Alias("otlpgrains.ModelArtifactState")]
public sealed class ModelArtifactState
{
    [Id(0)]
    public ModelArtifact? Artifact { get; set; }
}
