using OtlpGrains.Models.Artifacts;

namespace OtlpGrains.Models.Detection.WindowedGaussian;

/// <summary>
/// The artifact of a <see cref="WindowedGaussianModel"/>: its window and step sizes in the artifact envelope
/// (<see cref="ChecksummedArtifact"/>, which carries the schema), so that a truncated or altered artifact is refused
/// rather than loaded with wrong parameters.
/// </summary>
public sealed class WindowedGaussianCodec : IModelCodec
{
    public string Kind => WindowedGaussianModel.ModelKind;

    public byte[] Save(IAnomalyModel model)
    {
        if (model is not WindowedGaussianModel gaussian)
        {
            throw new ArgumentException($"the {Kind} codec cannot save a model of kind '{model?.Kind}'", nameof(model));
        }

        return ChecksummedArtifact.Write(Kind, gaussian.Schema, writer =>
        {
            writer.Write(gaussian.WindowSize);
            writer.Write(gaussian.StepSize);
        });
    }

    public IAnomalyModel Load(ReadOnlyMemory<byte> artifact) =>
        ChecksummedArtifact.Read(Kind, artifact, (schema, reader) =>
        {
            int windowSize = reader.ReadInt32();
            int stepSize = reader.ReadInt32();
            return windowSize < 1 || stepSize < 1 || stepSize > windowSize
                ? throw new ModelArtifactException($"corrupt {Kind} model artifact: window {windowSize}, step {stepSize}")
                : new WindowedGaussianModel(windowSize, stepSize, schema);
        });
}
