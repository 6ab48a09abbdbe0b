using OtlpGrains.Models.Artifacts;

namespace OtlpGrains.Models.Detection.Baseline;

/// <summary>Artifacts of <c>baseline</c> models: the schema and every <see cref="BaselineOptions"/> value.</summary>
public sealed class BaselineCodec : IModelCodec
{
    public string Kind => BaselineModel.KindName;

    public byte[] Save(IAnomalyModel model)
    {
        if (model is not BaselineModel baseline)
        {
            throw new ArgumentException($"the {Kind} codec cannot save a model of kind '{model?.Kind}'", nameof(model));
        }

        BaselineOptions o = baseline.Options;
        return ChecksummedArtifact.Write(Kind, baseline.Schema, writer =>
        {
            writer.Write(o.RecentWindows);
            writer.Write(o.WarmUpWindows);
            writer.Write(o.ShortWindows);
            writer.Write(o.SeasonBins);
            writer.Write(o.SeasonMinDays);
            writer.Write(o.SuppressionHalfLife);
            writer.Write(o.HalfScoreSurprise);
            writer.Write(o.MaxSignals);
            writer.Write(o.RoughnessHalfLife);
            writer.Write(o.RoughnessWeight);
            writer.Write(o.NoveltyWeight);
            writer.Write(o.NoveltyWarmUpWindows);
            writer.Write(o.RangeHalfLife);
            writer.Write(o.NoveltyWarmUpDays);
            writer.Write(o.RoughnessDeviationWeight);
        });
    }

    public IAnomalyModel Load(ReadOnlyMemory<byte> artifact) =>
        ChecksummedArtifact.Read(Kind, artifact, (schema, reader) =>
        {
            var options = new BaselineOptions
            {
                RecentWindows = reader.ReadInt32(),
                WarmUpWindows = reader.ReadInt32(),
                ShortWindows = reader.ReadInt32(),
                SeasonBins = reader.ReadInt32(),
                SeasonMinDays = reader.ReadDouble(),
                SuppressionHalfLife = reader.ReadDouble(),
                HalfScoreSurprise = reader.ReadDouble(),
                MaxSignals = reader.ReadInt32(),
                RoughnessHalfLife = reader.ReadDouble(),
                RoughnessWeight = reader.ReadDouble(),
                NoveltyWeight = reader.ReadDouble(),
                NoveltyWarmUpWindows = reader.ReadInt32(),
                RangeHalfLife = reader.ReadDouble(),
                NoveltyWarmUpDays = reader.ReadDouble(),

                // Artifacts saved before this option end here: they keep the behaviour they were evaluated with (off).
                RoughnessDeviationWeight = reader.BaseStream.Position < reader.BaseStream.Length ? reader.ReadDouble() : 0,
            };

            // Validate throws ArgumentException, which the envelope reports as a malformed artifact.
            return new BaselineModel(schema, options);
        });
}
