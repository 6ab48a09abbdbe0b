using OtlpGrains.Interfaces;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.Context;
using Xunit;

namespace OtlpGrains.Models.Tests.Detection.Context;

/// <summary>Artifacts of the <c>context</c> kind: a round trip scores identically, bad bytes are refused with one line.</summary>
public sealed class ContextCodecTests
{
    private static readonly FeatureSchema Schema = new("red.v1", ["rate", "errorRatio", "p50", "p95", "p99"], OpenEnded: true);

    // Non-default values everywhere: a codec that forgot a field would load the default and be caught.
    private static readonly ContextModel Model = new(Schema, new ContextOptions
    {
        WarmUpWindows = 120,
        Bins = 6,
        MaxOrder = 3,
        TableCapacity = 1024,
        AlarmNovelty = 0.7,
        RestWindows = 40,
        MaxSignals = 12,
        HistoryWindows = 1000,
        Resolutions = 2,
        ResolutionStep = 1.25,
    });

    [Fact]
    public void SavedAndLoadedModelScoresIdentically()
    {
        IAnomalyModel loaded = new ModelCodecs(DetectorCodecs.Create()).For(ContextModel.KindName).Load(new ContextCodec().Save(Model));

        var context = Assert.IsType<ContextModel>(loaded);
        Assert.Equal(Model.Options, context.Options);
        Assert.True(loaded.Schema.Accepts(Schema));
        Assert.True(loaded.Schema.OpenEnded);

        DetectorState a = Model.NewState();
        DetectorState b = loaded.NewState();
        var service = new SyntheticRed(seed: 13, Fault.LevelShift, onset: 700);
        double highest = 0;
        for (int w = 0; w < 720; w++)
        {
            double[] values = service.Window(w);
            AnomalyScore expected = Model.Score(a, SyntheticRed.StartOf(w), values);
            AnomalyScore actual = loaded.Score(b, SyntheticRed.StartOf(w), values);
            Assert.Equal(expected.Score, actual.Score);
            Assert.Equal(expected.SignalScores, actual.SignalScores);
            highest = Math.Max(highest, expected.Score);
        }

        Assert.True(highest >= 0.7, $"the model never alarmed (highest {highest})");
    }

    [Fact]
    public void RefusesCorruptTruncatedAndForeignBytes()
    {
        var codec = new ContextCodec();
        byte[] artifact = codec.Save(Model);

        byte[] corrupt = (byte[])artifact.Clone();
        corrupt[artifact.Length / 2] ^= 0x40;
        Assert.Contains("corrupt", Refused(codec, corrupt), StringComparison.Ordinal);
        Assert.Contains("truncated", Refused(codec, artifact[..^7]), StringComparison.Ordinal);
        Assert.Contains("not a", Refused(codec, artifact[..10]), StringComparison.Ordinal);
        byte[] baseline = new BaselineCodec().Save(new BaselineModel(Schema, BaselineOptions.Default));
        Assert.Contains("not 'context'", Refused(codec, baseline), StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesToSaveAnotherKind() =>
        Assert.Throws<ArgumentException>(() => new ContextCodec().Save(new BaselineModel(Schema, BaselineOptions.Default)));

    private static string Refused(ContextCodec codec, byte[] bytes)
    {
        var error = Assert.Throws<ModelArtifactException>(() => codec.Load(bytes));
        Assert.DoesNotContain('\n', error.Message);
        return error.Message;
    }
}
