using OtlpGrains.Models.Artifacts;

namespace OtlpGrains.Models.Detection.Resonance;

/// <summary>Artifacts of <c>resonance</c> models: the schema and every <see cref="ResonanceOptions"/> value.</summary>
public sealed class ResonanceCodec : IModelCodec
{
    public string Kind => ResonanceModel.KindName;

    public byte[] Save(IAnomalyModel model)
    {
        if (model is not ResonanceModel resonance)
        {
            throw new ArgumentException($"the {Kind} codec cannot save a model of kind '{model?.Kind}'", nameof(model));
        }

        ResonanceOptions o = resonance.Options;
        if (o.RangeKnown)
        {
            throw new ArgumentException($"a {Kind} model with a range known in advance looks ahead and is for benchmarks only; it cannot be saved", nameof(model));
        }

        return ChecksummedArtifact.Write(Kind, resonance.Schema, writer =>
        {
            writer.Write(o.Step);
            writer.Write(o.Window);
            writer.Write(o.Levels);
            writer.Write(o.Chomp);
            writer.Write(o.WarmUpPoints);
            writer.Write(o.HistoryPoints);
            writer.Write(o.MaxCategories);
            writer.Write(o.InitialVigilance);
            writer.Write(o.RestPoints);
            writer.Write(o.MaxSignals);
        });
    }

    public IAnomalyModel Load(ReadOnlyMemory<byte> artifact) =>
        ChecksummedArtifact.Read(Kind, artifact, (schema, reader) =>
        {
            var options = new ResonanceOptions
            {
                Step = reader.ReadInt32(),
                Window = reader.ReadInt32(),
                Levels = reader.ReadInt32(),
                Chomp = reader.ReadDouble(),
                WarmUpPoints = reader.ReadInt32(),
                HistoryPoints = reader.ReadInt32(),
                MaxCategories = reader.ReadInt32(),
                InitialVigilance = reader.ReadDouble(),
                RestPoints = reader.ReadInt32(),
                MaxSignals = reader.ReadInt32(),
            };

            // Validate throws ArgumentException, which the envelope reports as a malformed artifact.
            return new ResonanceModel(schema, options);
        });
}
