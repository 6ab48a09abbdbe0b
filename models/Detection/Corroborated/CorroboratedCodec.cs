using OtlpGrains.Models.Artifacts;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.Context;

namespace OtlpGrains.Models.Detection.Corroborated;

/// <summary>
/// Artifacts of <c>baseline-context</c> models: the context weight, the alarm and rest, and the artifacts of the two parts, each whole
/// (with its own schema and checksum) and length-prefixed, so that each part's codec reads its own.
/// </summary>
public sealed class CorroboratedCodec : IModelCodec
{
    private readonly BaselineCodec _baseline = new();
    private readonly ContextCodec _context = new();

    public string Kind => CorroboratedModel.KindName;

    public byte[] Save(IAnomalyModel model)
    {
        if (model is not CorroboratedModel corroborated)
        {
            throw new ArgumentException($"the {Kind} codec cannot save a model of kind '{model?.Kind}'", nameof(model));
        }

        byte[] baseline = _baseline.Save(corroborated.BaselinePart);
        byte[] context = _context.Save(corroborated.ContextPart);
        return ChecksummedArtifact.Write(Kind, corroborated.Schema, writer =>
        {
            writer.Write(corroborated.Options.ContextWeight);
            writer.Write(corroborated.Options.AlarmScore);
            writer.Write(corroborated.Options.RestWindows);
            writer.Write(baseline.Length);
            writer.Write(baseline);
            writer.Write(context.Length);
            writer.Write(context);
        });
    }

    public IAnomalyModel Load(ReadOnlyMemory<byte> artifact) =>
        ChecksummedArtifact.Read(Kind, artifact, (schema, reader) =>
        {
            double weight = reader.ReadDouble();
            double alarm = reader.ReadDouble();
            int rest = reader.ReadInt32();
            var baseline = (BaselineModel)_baseline.Load(Part(reader, "baseline"));
            var context = (ContextModel)_context.Load(Part(reader, "context"));
            if (!SameSchema(baseline, schema) || !SameSchema(context, schema))
            {
                throw new ModelArtifactException($"{Kind} model artifact has parts for another schema than its own '{schema.Name}'");
            }

            // Validate throws ArgumentException, which the envelope reports as a malformed artifact.
            return new CorroboratedModel(schema, new CorroboratedOptions
            {
                Baseline = baseline.Options,
                Context = context.Options,
                ContextWeight = weight,
                AlarmScore = alarm,
                RestWindows = rest,
            });
        });

    private static bool SameSchema(IAnomalyModel part, Interfaces.FeatureSchema schema) =>
        part.Schema.Accepts(schema) && part.Schema.OpenEnded == schema.OpenEnded;

    private byte[] Part(BinaryReader reader, string part)
    {
        int length = reader.ReadInt32();
        long left = reader.BaseStream.Length - reader.BaseStream.Position;
        return length < 0 || length > left
            ? throw new ModelArtifactException($"{Kind} model artifact declares a {part} part of {length} bytes with {left} left")
            : reader.ReadBytes(length);
    }
}
