using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using OtlpGrains.Models.Artifacts;

namespace OtlpGrains.Models.Detection.WindowedGaussian;

/// <summary>
/// The artifact of a <see cref="WindowedGaussianModel"/>: a header (magic <c>OGWG</c>, format version, payload
/// length), the payload (window size, step size, feature schema), and the SHA-256 of the payload, so that a
/// truncated or altered artifact is refused rather than loaded with wrong parameters.
/// </summary>
public sealed class WindowedGaussianCodec : IModelCodec
{
    private const byte FormatVersion = 1;
    private const int HeaderLength = 4 + 1 + 4;
    private const int HashLength = 32;
    private static readonly byte[] Magic = "OGWG"u8.ToArray();

    public string Kind => WindowedGaussianModel.ModelKind;

    public byte[] Save(IAnomalyModel model)
    {
        if (model is not WindowedGaussianModel gaussian)
        {
            throw new ArgumentException($"the {Kind} codec cannot save a model of kind '{model.Kind}'", nameof(model));
        }

        using var payloadStream = new MemoryStream();
        using (var writer = new BinaryWriter(payloadStream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(gaussian.WindowSize);
            writer.Write(gaussian.StepSize);
            writer.Write(gaussian.Schema.Name);
            writer.Write(gaussian.Schema.Signals.Length);
            foreach (string signal in gaussian.Schema.Signals)
            {
                writer.Write(signal);
            }

            writer.Write(gaussian.Schema.OpenEnded);
        }

        byte[] payload = payloadStream.ToArray();
        var artifact = new byte[HeaderLength + payload.Length + HashLength];
        Magic.CopyTo(artifact, 0);
        artifact[4] = FormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(artifact.AsSpan(5), payload.Length);
        payload.CopyTo(artifact, HeaderLength);
        SHA256.HashData(payload, artifact.AsSpan(HeaderLength + payload.Length));
        return artifact;
    }

    public IAnomalyModel Load(ReadOnlyMemory<byte> artifact)
    {
        ReadOnlySpan<byte> bytes = artifact.Span;
        if (bytes.Length < HeaderLength || !bytes[..4].SequenceEqual(Magic))
        {
            throw new ModelArtifactException($"not a {Kind} artifact (no OGWG header)");
        }

        if (bytes[4] != FormatVersion)
        {
            throw new ModelArtifactException($"{Kind} artifact format version {bytes[4]} is not supported (this build reads {FormatVersion})");
        }

        int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(bytes[5..]);
        long expected = (long)HeaderLength + payloadLength + HashLength;
        if (payloadLength < 0 || bytes.Length < expected)
        {
            throw new ModelArtifactException($"{Kind} artifact truncated: {bytes.Length} bytes, the header announces {expected}");
        }

        if (bytes.Length > expected)
        {
            throw new ModelArtifactException($"{Kind} artifact corrupt: {bytes.Length - expected} bytes after its end");
        }

        ReadOnlySpan<byte> payload = bytes.Slice(HeaderLength, payloadLength);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(bytes.Slice(HeaderLength + payloadLength, HashLength)))
        {
            throw new ModelArtifactException($"{Kind} artifact corrupt: checksum mismatch");
        }

        return ReadPayload(payload.ToArray());
    }

    private WindowedGaussianModel ReadPayload(byte[] payload)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
            int windowSize = reader.ReadInt32();
            int stepSize = reader.ReadInt32();
            string schemaName = reader.ReadString();
            int signalCount = reader.ReadInt32();
            if (signalCount is < 1 or > 1024)
            {
                throw new ModelArtifactException($"{Kind} artifact corrupt: {signalCount} signals");
            }

            var signals = new string[signalCount];
            for (int i = 0; i < signals.Length; i++)
            {
                signals[i] = reader.ReadString();
            }

            bool openEnded = reader.ReadBoolean();
            if (reader.BaseStream.Position != payload.Length)
            {
                throw new ModelArtifactException($"{Kind} artifact corrupt: unread bytes in its payload");
            }

            if (windowSize < 1 || stepSize < 1 || stepSize > windowSize)
            {
                throw new ModelArtifactException($"{Kind} artifact corrupt: window {windowSize}, step {stepSize}");
            }

            return new WindowedGaussianModel(windowSize, stepSize, new FeatureSchema(schemaName, signals, openEnded));
        }
        catch (EndOfStreamException e)
        {
            throw new ModelArtifactException($"{Kind} artifact corrupt: its payload ends early", e);
        }
    }
}
