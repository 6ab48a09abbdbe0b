using System.Security.Cryptography;
using System.Text;
using OtlpGrains.Models.Detection;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Artifacts;

/// <summary>
/// The envelope of an artifact: a magic, a format version, the total length, the model kind and its
/// <see cref="FeatureSchema"/>, the kind's own payload, and a SHA-256 of everything before it. Reading checks each
/// in turn, so that a truncated, corrupted or foreign artifact is refused with a reason instead of half-loading.
/// </summary>
public static class ChecksummedArtifact
{
    private const uint Magic = 0x414d474f; // "OGMA", little-endian: OtlpGrains model artifact
    private const ushort FormatVersion = 1;
    private const int HashSize = 32;
    private const int HeaderSize = 4 + 2 + 4;

    /// <summary>Wraps <paramref name="payload"/> of a model of <paramref name="kind"/> reading <paramref name="schema"/>.</summary>
    public static byte[] Write(string kind, FeatureSchema schema, ReadOnlySpan<byte> payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(schema);
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(0); // total length, filled below
            writer.Write(kind);
            writer.Write(schema.Name);
            writer.Write(schema.OpenEnded);
            writer.Write(schema.Signals.Length);
            foreach (string signal in schema.Signals)
            {
                writer.Write(signal);
            }

            writer.Write(payload.Length);
            writer.Write(payload);
        }

        int total = checked((int)body.Length + HashSize);
        body.Position = 6;
        body.Write(BitConverter.GetBytes(total));
        byte[] bytes = new byte[total];
        body.ToArray().CopyTo(bytes, 0);
        SHA256.HashData(bytes.AsSpan(0, total - HashSize), bytes.AsSpan(total - HashSize));
        return bytes;
    }

    /// <summary>
    /// The schema and payload of an artifact of <paramref name="kind"/>; a <see cref="ModelArtifactException"/> with a
    /// one-line reason otherwise.
    /// </summary>
    public static (FeatureSchema Schema, byte[] Payload) Read(string kind, ReadOnlyMemory<byte> artifact)
    {
        ReadOnlySpan<byte> bytes = artifact.Span;
        if (bytes.Length < HeaderSize || BitConverter.ToUInt32(bytes) != Magic)
        {
            throw new ModelArtifactException($"not a {kind} model artifact (no artifact header)");
        }

        ushort version = BitConverter.ToUInt16(bytes[4..]);
        if (version != FormatVersion)
        {
            throw new ModelArtifactException($"unsupported artifact format version {version} (this build reads {FormatVersion})");
        }

        int total = BitConverter.ToInt32(bytes[6..]);
        if (bytes.Length < total)
        {
            throw new ModelArtifactException($"truncated {kind} model artifact: {bytes.Length} of {total} bytes");
        }

        if (bytes.Length > total || total < HeaderSize + HashSize)
        {
            throw new ModelArtifactException($"corrupt {kind} model artifact: {bytes.Length} bytes where the header says {total}");
        }

        Span<byte> hash = stackalloc byte[HashSize];
        SHA256.HashData(bytes[..(total - HashSize)], hash);
        if (!hash.SequenceEqual(bytes[(total - HashSize)..]))
        {
            throw new ModelArtifactException($"corrupt {kind} model artifact: SHA-256 mismatch");
        }

        using var reader = new BinaryReader(new MemoryStream(artifact[..(total - HashSize)].ToArray()), Encoding.UTF8);
        reader.BaseStream.Position = HeaderSize;
        string actualKind = reader.ReadString();
        if (actualKind != kind)
        {
            throw new ModelArtifactException($"the artifact is of kind '{actualKind}', not '{kind}'");
        }

        string name = reader.ReadString();
        bool openEnded = reader.ReadBoolean();
        string[] signals = new string[reader.ReadInt32()];
        for (int i = 0; i < signals.Length; i++)
        {
            signals[i] = reader.ReadString();
        }

        byte[] payload = reader.ReadBytes(reader.ReadInt32());
        return (new FeatureSchema(name, signals, openEnded), payload);
    }
}
