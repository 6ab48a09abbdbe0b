using System.Security.Cryptography;
using System.Text;
using OtlpGrains.Models.Detection;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Artifacts;

/// <summary>
/// The frame of a model artifact: magic <c>OGMA</c>, format version, kind, <see cref="FeatureSchema"/>, the
/// kind's payload, and a SHA-256 of everything before it. A codec writes its payload with <see cref="Write"/> and
/// reads it back with <see cref="Read"/>, which refuses bad bytes with one line before the payload is parsed.
/// </summary>
public static class ArtifactEnvelope
{
    private const int FormatVersion = 1;
    private const int HashLength = 32;
    private static readonly byte[] Magic = "OGMA"u8.ToArray();

    /// <summary>The artifact of a model of <paramref name="kind"/> whose payload <paramref name="writePayload"/> writes.</summary>
    public static byte[] Write(string kind, FeatureSchema schema, Action<BinaryWriter> writePayload)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(kind);
            writer.Write(schema.Name);
            writer.Write(schema.OpenEnded);
            writer.Write(schema.Signals.Length);
            foreach (string signal in schema.Signals)
            {
                writer.Write(signal);
            }

            writePayload(writer);
        }

        byte[] body = stream.ToArray();
        return [.. body, .. SHA256.HashData(body)];
    }

    /// <summary>
    /// Checks the frame of <paramref name="artifact"/> and lets <paramref name="readPayload"/> build the model from
    /// the schema and payload. Any bad byte ends in a <see cref="ModelArtifactException"/>.
    /// </summary>
    public static T Read<T>(ReadOnlyMemory<byte> artifact, string kind, Func<FeatureSchema, BinaryReader, T> readPayload)
    {
        ReadOnlySpan<byte> bytes = artifact.Span;
        if (bytes.Length < Magic.Length + HashLength || !bytes[..Magic.Length].SequenceEqual(Magic))
        {
            throw new ModelArtifactException($"not a {kind} model artifact (no OGMA header, {bytes.Length} bytes)");
        }

        ReadOnlySpan<byte> body = bytes[..^HashLength];
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes[^HashLength..]))
        {
            throw new ModelArtifactException($"{kind} model artifact is corrupt or truncated (checksum mismatch over {body.Length} bytes)");
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(body[Magic.Length..].ToArray()), Encoding.UTF8);
            int version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw new ModelArtifactException($"unsupported artifact format version {version}; this build reads version {FormatVersion}");
            }

            string actualKind = reader.ReadString();
            if (actualKind != kind)
            {
                throw new ModelArtifactException($"artifact is of model kind '{actualKind}', not '{kind}'");
            }

            string name = reader.ReadString();
            bool openEnded = reader.ReadBoolean();
            int count = reader.ReadInt32();
            if (count is < 1 or > 4096)
            {
                throw new ModelArtifactException($"{kind} model artifact has an invalid signal count {count}");
            }

            var signals = new string[count];
            for (int i = 0; i < count; i++)
            {
                signals[i] = reader.ReadString();
            }

            T model = readPayload(new FeatureSchema(name, signals, openEnded), reader);
            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                throw new ModelArtifactException($"{kind} model artifact has {reader.BaseStream.Length - reader.BaseStream.Position} unexpected trailing bytes");
            }

            return model;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or FormatException or InvalidDataException)
        {
            throw new ModelArtifactException($"{kind} model artifact is malformed: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }
}
