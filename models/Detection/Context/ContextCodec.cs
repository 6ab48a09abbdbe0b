using OtlpGrains.Models.Artifacts;

namespace OtlpGrains.Models.Detection.Context;

/// <summary>Artifacts of <c>context</c> models: the schema and every <see cref="ContextOptions"/> value.</summary>
public sealed class ContextCodec : IModelCodec
{
    public string Kind => ContextModel.KindName;

    public byte[] Save(IAnomalyModel model)
    {
        if (model is not ContextModel context)
        {
            throw new ArgumentException($"the {Kind} codec cannot save a model of kind '{model?.Kind}'", nameof(model));
        }

        ContextOptions o = context.Options;
        return ChecksummedArtifact.Write(Kind, context.Schema, writer =>
        {
            writer.Write(o.WarmUpWindows);
            writer.Write(o.Bins);
            writer.Write(o.MaxOrder);
            writer.Write(o.TableCapacity);
            writer.Write(o.AlarmNovelty);
            writer.Write(o.RestWindows);
            writer.Write(o.MaxSignals);
            writer.Write(o.HistoryWindows);
            writer.Write(o.Resolutions);
            writer.Write(o.ResolutionStep);
        });
    }

    public IAnomalyModel Load(ReadOnlyMemory<byte> artifact) =>
        ChecksummedArtifact.Read(Kind, artifact, (schema, reader) =>
        {
            var options = new ContextOptions
            {
                WarmUpWindows = reader.ReadInt32(),
                Bins = reader.ReadInt32(),
                MaxOrder = reader.ReadInt32(),
                TableCapacity = reader.ReadInt32(),
                AlarmNovelty = reader.ReadDouble(),
                RestWindows = reader.ReadInt32(),
                MaxSignals = reader.ReadInt32(),
                HistoryWindows = reader.ReadInt32(),
                Resolutions = reader.ReadInt32(),
                ResolutionStep = reader.ReadDouble(),
            };

            // Validate throws ArgumentException, which the envelope reports as a malformed artifact.
            return new ContextModel(schema, options);
        });
}
