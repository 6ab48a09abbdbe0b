using OtlpGrains.Models.Artifacts;

namespace OtlpGrains.Models.Detection.IsolationForest;

/// <summary>
/// Artifacts of <c>iforest</c> models: the schema and every <see cref="IsolationForestOptions"/> value. The trees
/// themselves are per service (grown from each service's own normal windows) and travel in its state, not here.
/// </summary>
public sealed class IsolationForestCodec : IModelCodec
{
    public string Kind => IsolationForestModel.KindName;

    public byte[] Save(IAnomalyModel model)
    {
        if (model is not IsolationForestModel forest)
        {
            throw new ArgumentException($"the {Kind} codec cannot save a model of kind '{model?.Kind}'", nameof(model));
        }

        IsolationForestOptions o = forest.Options;
        return ChecksummedArtifact.Write(Kind, forest.Schema, writer =>
        {
            writer.Write(o.Trees);
            writer.Write(o.SampleSize);
            writer.Write(o.ReservoirSize);
            writer.Write(o.RefreshWindows);
            writer.Write(o.WarmUpWindows);
            writer.Write(o.NormalSurprise);
            writer.Write(o.Lags);
            writer.Write(o.Seed);
            writer.Write(o.SuppressionHalfLife);
            writer.Write(o.MaxSignals);
            writer.Write(o.HalfScoreSurprise);
        });
    }

    public IAnomalyModel Load(ReadOnlyMemory<byte> artifact) =>
        ChecksummedArtifact.Read(Kind, artifact, (schema, reader) => new IsolationForestModel(schema, new IsolationForestOptions
        {
            Trees = reader.ReadInt32(),
            SampleSize = reader.ReadInt32(),
            ReservoirSize = reader.ReadInt32(),
            RefreshWindows = reader.ReadInt32(),
            WarmUpWindows = reader.ReadInt32(),
            NormalSurprise = reader.ReadDouble(),
            Lags = reader.ReadInt32(),
            Seed = reader.ReadUInt64(),
            SuppressionHalfLife = reader.ReadDouble(),
            MaxSignals = reader.ReadInt32(),
            HalfScoreSurprise = reader.ReadDouble(),
        }));
}
