using System.Text;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection.MlNet;

/// <summary>The artifact of an <c>mlnet-pca</c> model: its window count and ML.NET's model zip, in a <see cref="ChecksummedArtifact"/>.</summary>
public sealed class MlNetPcaCodec : IModelCodec
{
    public string Kind => MlNetPcaModel.KindName;

    public byte[] Save(IAnomalyModel model)
    {
        if (model is not MlNetPcaModel pca)
        {
            throw new ArgumentException($"the {Kind} codec cannot save a {model?.Kind ?? "null"} model", nameof(model));
        }

        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(pca.Length);
            writer.Write(pca.ModelZip.Length);
            writer.Write(pca.ModelZip);
        }

        return ChecksummedArtifact.Write(Kind, pca.Schema, payload.ToArray());
    }

    public IAnomalyModel Load(ReadOnlyMemory<byte> artifact)
    {
        (FeatureSchema schema, byte[] payload) = ChecksummedArtifact.Read(Kind, artifact);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
            int length = reader.ReadInt32();
            int zipLength = reader.ReadInt32();
            if (length < 2 || zipLength <= 0 || zipLength > payload.Length)
            {
                throw new InvalidDataException($"window count {length}, model zip of {zipLength} bytes");
            }

            return new MlNetPcaModel(schema, length, reader.ReadBytes(zipLength));
        }
        catch (Exception e) when (e is ArgumentException or EndOfStreamException or InvalidDataException)
        {
            throw new ModelArtifactException($"invalid {Kind} payload: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }
}
