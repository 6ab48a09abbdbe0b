using System.Security.Cryptography;
using System.Text;
using OtlpGrains.Models.Detection;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Artifacts;

/// <summary>
/// The one envelope of every model artifact, whatever its kind: a magic, a format version, the total length, the model kind and its
/// <see cref="FeatureSchema"/>, the kind's own payload, and a SHA-256 of everything before it. Reading checks each
/// in turn, so that a truncated, corrupted or foreign artifact is refused with a reason instead of half-loading.
/// A codec hands over its payload as bytes, or writes and reads it in place with a <see cref="BinaryWriter"/> and
/// <see cref="BinaryReader"/>.
/// </summary>
public static class ChecksummedArtifact
{
    private const uint Magic = 0x414d474f; // "OGMA", little-endian: OtlpGrains model artifact
    private const ushort FormatVersion = 1;
    private const int HashSize = 32;
    private const int HeaderSize = 4 + 2 + 4;

    /// <summary>Most signals a schema in an artifact may name.</summary>
    private const int MaxSignals = 4096;

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

    /// <summary>The artifact of a model of <paramref name="kind"/> whose payload <paramref name="writePayload"/> writes.</summary>
    public static byte[] Write(string kind, FeatureSchema schema, Action<BinaryWriter> writePayload)
    {
        ArgumentNullException.ThrowIfNull(writePayload);
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writePayload(writer);
        }

        return Write(kind, schema, payload.ToArray());
    }

    /// <summary>
    /// Checks the envelope, then lets <paramref name="readPayload"/> build the model from the schema and the payload,
    /// which it must read to the end. A payload that does not parse (too short, a value its model refuses with an
    /// <see cref="ArgumentException"/>) ends in a <see cref="ModelArtifactException"/> like a bad envelope.
    /// </summary>
    public static T Read<T>(string kind, ReadOnlyMemory<byte> artifact, Func<FeatureSchema, BinaryReader, T> readPayload)
    {
        ArgumentNullException.ThrowIfNull(readPayload);
        (FeatureSchema schema, byte[] payload) = Read(kind, artifact);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
            T model = readPayload(schema, reader);
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

    /// <summary>
    /// The schema and payload of an artifact of <paramref name="kind"/>; a <see cref="ModelArtifactException"/> with a
    /// one-line reason otherwise.
    /// </summary>
    public static (FeatureSchema Schema, byte[] Payload) Read(string kind, ReadOnlyMemory<byte> artifact)
    {
        ReadOnlySpan<byte> bytes = artifact.Span;
        // Fewer bytes than a header and a hash cannot be an artifact, whatever their first bytes say.
        if (bytes.Length < HeaderSize + HashSize || BitConverter.ToUInt32(bytes) != Magic)
        {
            throw new ModelArtifactException($"not a {kind} artifact (no artifact header in {bytes.Length} bytes)");
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
            throw new ModelArtifactException(total < HeaderSize + HashSize
                ? $"corrupt {kind} model artifact: the header gives a length of {total} bytes"
                : $"corrupt {kind} model artifact: {bytes.Length - total} bytes after its end (the header says {total})");
        }

        Span<byte> hash = stackalloc byte[HashSize];
        SHA256.HashData(bytes[..(total - HashSize)], hash);
        if (!hash.SequenceEqual(bytes[(total - HashSize)..]))
        {
            throw new ModelArtifactException($"corrupt {kind} model artifact: SHA-256 mismatch (checksum over {total - HashSize} bytes)");
        }

        // The checksum held, so what follows was written by a codec: a failure here means a foreign or buggy writer.
        try
        {
            using var reader = new BinaryReader(new MemoryStream(artifact[..(total - HashSize)].ToArray()), Encoding.UTF8);
            reader.BaseStream.Position = HeaderSize;
            string actualKind = reader.ReadString();
            if (actualKind != kind)
            {
                throw new ModelArtifactException($"the artifact is of kind '{actualKind}', not '{kind}'");
            }

            string name = reader.ReadString();
            bool openEnded = reader.ReadBoolean();
            int count = reader.ReadInt32();
            if (count is < 1 or > MaxSignals)
            {
                throw new ModelArtifactException($"{kind} model artifact has an invalid signal count {count}");
            }

            string[] signals = new string[count];
            for (int i = 0; i < signals.Length; i++)
            {
                signals[i] = reader.ReadString();
            }

            int payloadLength = reader.ReadInt32();
            if (payloadLength < 0 || payloadLength != reader.BaseStream.Length - reader.BaseStream.Position)
            {
                throw new ModelArtifactException($"{kind} model artifact declares a payload of {payloadLength} bytes, but {reader.BaseStream.Length - reader.BaseStream.Position} follow");
            }

            byte[] payload = reader.ReadBytes(payloadLength);
            return (new FeatureSchema(name, signals, openEnded), payload);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            throw new ModelArtifactException($"{kind} model artifact has a malformed header: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }
}
