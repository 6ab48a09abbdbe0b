using OtlpGrains.Models.Artifacts;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.MlNet;
using OtlpGrains.Models.Detection.Torch;
using Xunit;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Tests.Sequences;

public sealed class SequenceCodecTests
{
    private static readonly ModelCodecs Codecs = new(
    [
        new TorchSequenceCodec(TorchSequenceModel.LstmKind),
        new TorchSequenceCodec(TorchSequenceModel.TransformerKind),
        new MlNetPcaCodec(),
    ]);

    public static TheoryData<string> Kinds => [.. TrainedModels.Kinds];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SaveThenLoadGivesAModelWithIdenticalScores(string kind)
    {
        IAnomalyModel model = TrainedModels.RedOf(kind);
        IModelCodec codec = Codecs.For(kind);

        IAnomalyModel loaded = codec.Load(codec.Save(model));

        Assert.Equal(kind, loaded.Kind);
        Assert.Equal(FeatureSchema.Red.Name, loaded.Schema.Name);
        Assert.True(FeatureSchema.Red.Accepts(loaded.Schema));
        Assert.True(loaded.Schema.OpenEnded);
        double[][] series = SyntheticSeries.Red(200, seed: 21, faultFrom: 150);
        double[] expected = TrainedModels.ScoreAll(model, series);
        double[] actual = TrainedModels.ScoreAll(loaded, series);
        Assert.Equal(expected, actual);
        Assert.Contains(expected, s => s > 0.3);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RefusesCorruptTruncatedAndForeignArtifacts(string kind)
    {
        IModelCodec codec = Codecs.For(kind);
        byte[] artifact = codec.Save(TrainedModels.RedOf(kind));

        byte[] corrupt = (byte[])artifact.Clone();
        corrupt[artifact.Length / 2] ^= 0x5a;
        Assert.Contains("SHA-256 mismatch", Refusal(codec, corrupt), StringComparison.Ordinal);

        Assert.Contains("truncated", Refusal(codec, artifact[..(artifact.Length - 100)]), StringComparison.Ordinal);
        Assert.Contains("no artifact header", Refusal(codec, [1, 2, 3]), StringComparison.Ordinal);

        string other = kind == MlNetPcaModel.KindName ? TorchSequenceModel.LstmKind : MlNetPcaModel.KindName;
        byte[] foreign = Codecs.For(other).Save(TrainedModels.RedOf(other));
        Assert.Equal($"the artifact is of kind '{other}', not '{kind}'", Refusal(codec, foreign));
    }

    [Fact]
    public void RefusesWeightsOfAnotherShape()
    {
        // A well-formed envelope around a payload whose weights do not fit the declared network.
        var codec = new TorchSequenceCodec(TorchSequenceModel.LstmKind);
        byte[] payload = [.. BitConverter.GetBytes(5), .. BitConverter.GetBytes(12), .. BitConverter.GetBytes(16), .. BitConverter.GetBytes(4), .. BitConverter.GetBytes(2), 0, 1, 2, 3];
        byte[] artifact = ChecksummedArtifact.Write(TorchSequenceModel.LstmKind, FeatureSchema.Red, payload);

        Assert.StartsWith("invalid lstm-ae weights", Refusal(codec, artifact), StringComparison.Ordinal);
    }

    private static string Refusal(IModelCodec codec, byte[] bytes)
    {
        var error = Assert.Throws<ModelArtifactException>(() => codec.Load(bytes));
        Assert.DoesNotContain('\n', error.Message);
        return error.Message;
    }
}
