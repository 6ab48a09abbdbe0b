using OtlpGrains.Models.Detection;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Artifacts;

/// <summary>
/// Turns a model of one kind into the bytes the model registry stores, and back. The bytes carry everything the
/// model needs (parameters, trained weights, its <see cref="FeatureSchema"/>), so that any silo can load them.
/// </summary>
public interface IModelCodec
{
    /// <summary>The <see cref="IAnomalyModel.Kind"/> this codec reads and writes.</summary>
    string Kind { get; }

    /// <summary>The artifact of <paramref name="model"/>, which must be of this codec's kind.</summary>
    byte[] Save(IAnomalyModel model);

    /// <summary>
    /// Loads an artifact. Throws <see cref="ModelArtifactException"/> with a one-line reason when the bytes are not
    /// a valid artifact of this kind (truncated, corrupt, wrong kind, unsupported format version).
    /// </summary>
    IAnomalyModel Load(ReadOnlyMemory<byte> artifact);
}
