using System.Text;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.Models.Detection;
using OtlpGrains.Interfaces;

namespace OtlpGrains.TestSupport;

/// <summary>
/// A tiny real codec for registry tests (kind <c>test-constant</c>): a model that gives every window the same score.
/// Its bytes carry a magic, a format version, the score and the schema, so that corrupt, truncated and foreign bytes
/// are refused the way a detector's codec refuses them. Linked into the grain and silo tests too.
/// </summary>
public sealed class TestConstantCodec : IModelCodec
{
    public const string KindName = "test-constant";

    private const byte FormatVersion = 1;
    private static readonly byte[] Magic = "TCST"u8.ToArray();

    private int _loads;

    public string Kind => KindName;

    /// <summary>Artifacts loaded by this instance: a silo's model cache should load a version once.</summary>
    public int Loads => Volatile.Read(ref _loads);

    /// <summary>The artifact of a model that always scores <paramref name="score"/>.</summary>
    public static byte[] Artifact(double score, FeatureSchema? schema = null) =>
        new TestConstantCodec().Save(new TestConstantModel(score, schema ?? FeatureSchema.Red));

    public byte[] Save(IAnomalyModel model)
    {
        if (model is not TestConstantModel constant)
        {
            throw new ArgumentException($"not a {KindName} model", nameof(model));
        }

        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(constant.ConstantScore);
            writer.Write(constant.Schema.Name);
            writer.Write(constant.Schema.Signals.Length);
            foreach (var signal in constant.Schema.Signals)
            {
                writer.Write(signal);
            }

            writer.Write(constant.Schema.OpenEnded);
        }

        return buffer.ToArray();
    }

    public IAnomalyModel Load(ReadOnlyMemory<byte> artifact)
    {
        Interlocked.Increment(ref _loads);
        var bytes = artifact.ToArray();
        if (bytes.Length < Magic.Length + 1 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new ModelArtifactException($"not a {KindName} artifact (bad magic)");
        }

        if (bytes[Magic.Length] != FormatVersion)
        {
            throw new ModelArtifactException($"{KindName} format version {bytes[Magic.Length]} is not supported");
        }

        using var reader = new BinaryReader(new MemoryStream(bytes, Magic.Length + 1, bytes.Length - Magic.Length - 1), Encoding.UTF8);
        try
        {
            var score = reader.ReadDouble();
            var name = reader.ReadString();
            var count = reader.ReadInt32();
            if (count is < 1 or > 1024)
            {
                throw new ModelArtifactException($"{KindName} artifact names {count} signals");
            }

            var signals = new string[count];
            for (var i = 0; i < count; i++)
            {
                signals[i] = reader.ReadString();
            }

            var openEnded = reader.ReadBoolean();
            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                throw new ModelArtifactException($"{KindName} artifact has trailing bytes");
            }

            if (!(score is >= 0 and <= 1))
            {
                throw new ModelArtifactException($"{KindName} score must be in [0, 1]");
            }

            return new TestConstantModel(score, new FeatureSchema(name, signals, openEnded));
        }
        catch (EndOfStreamException)
        {
            throw new ModelArtifactException($"{KindName} artifact is truncated");
        }
    }
}

/// <summary>Scores every window <see cref="ConstantScore"/>, and counts the windows its state has seen.</summary>
public sealed class TestConstantModel(double score, FeatureSchema schema) : IAnomalyModel
{
    public double ConstantScore => score;

    public string Kind => TestConstantCodec.KindName;

    public FeatureSchema Schema => schema;

    public DetectorState NewState() => new TestConstantState();

    public AnomalyScore Score(DetectorState state, long windowStartUnixNano, ReadOnlySpan<double> values)
    {
        ((TestConstantState)state).Windows++;
        var signals = new double[values.Length];
        Array.Fill(signals, score);
        return new AnomalyScore(score, signals);
    }
}

public sealed class TestConstantState : DetectorState
{
    public long Windows { get; set; }

    public override string Kind => TestConstantCodec.KindName;
}
