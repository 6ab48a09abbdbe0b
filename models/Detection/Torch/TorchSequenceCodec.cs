using System.Text;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.Models.Detection;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection.Torch;

/// <summary>
/// The artifact of a TorchSharp sequence autoencoder of one kind: its <see cref="AutoencoderShape"/> and the
/// network's weights in TorchSharp's own format, inside a <see cref="ChecksummedArtifact"/>.
/// </summary>
public sealed class TorchSequenceCodec : IModelCodec
{
    public TorchSequenceCodec(string kind)
    {
        if (kind is not (TorchSequenceModel.LstmKind or TorchSequenceModel.TransformerKind))
        {
            throw new ArgumentException($"unknown TorchSharp model kind '{kind}'", nameof(kind));
        }

        Kind = kind;
    }

    public string Kind { get; }

    public byte[] Save(IAnomalyModel model)
    {
        if (model is not TorchSequenceModel torchModel || torchModel.Kind != Kind)
        {
            throw new ArgumentException($"the {Kind} codec cannot save a {model?.Kind ?? "null"} model", nameof(model));
        }

        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            AutoencoderShape shape = torchModel.Shape;
            writer.Write(shape.Signals);
            writer.Write(shape.Length);
            writer.Write(shape.Hidden);
            writer.Write(shape.Latent);
            writer.Write(shape.Heads);
            torchModel.Network.save(writer);
        }

        return ChecksummedArtifact.Write(Kind, torchModel.Schema, payload.ToArray());
    }

    public IAnomalyModel Load(ReadOnlyMemory<byte> artifact)
    {
        (FeatureSchema schema, byte[] payload) = ChecksummedArtifact.Read(Kind, artifact);
        using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        TorchSequenceModel? model = null;
        try
        {
            var shape = new AutoencoderShape(reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
            model = TorchSequenceModel.Create(Kind, schema, shape);
            model.Network.load(reader, strict: true);
            model.Network.eval();
            return model;
        }
        catch (Exception e) when (e is ArgumentException or EndOfStreamException or IOException or InvalidDataException)
        {
            model?.Dispose();
            throw new ModelArtifactException($"invalid {Kind} weights: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }
}
