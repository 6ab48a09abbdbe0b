using OtlpGrains.Models.Artifacts;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.IsolationForest;
using Xunit;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Tests.Detection;

/// <summary>Artifacts of the baseline and isolation forest kinds: round trips, and bad bytes refused with one line.</summary>
public sealed class DetectorCodecTests
{
    private static readonly FeatureSchema Schema = new("red.v1", ["rate", "errorRatio", "p50", "p95", "p99"], OpenEnded: true);

    public static TheoryData<string> Kinds() => [BaselineModel.KindName, IsolationForestModel.KindName];

    private static (IModelCodec Codec, IAnomalyModel Model) Create(string kind) => kind switch
    {
        // Non-default values: a codec that forgot a field would load the default and be caught.
        BaselineModel.KindName => (new BaselineCodec(), new BaselineModel(Schema, BaselineOptions.Default with
        {
            RecentWindows = 48,
            ShortWindows = 5,
            SeasonBins = 24,
            NoveltyWeight = 70,
            RoughnessWeight = 1.5,
            NoveltyWarmUpDays = 0.5,
            RoughnessDeviationWeight = 2.5,
        })),
        IsolationForestModel.KindName => (new IsolationForestCodec(), new IsolationForestModel(Schema, IsolationForestOptions.Default with
        {
            Trees = 20,
            SampleSize = 16,
            ReservoirSize = 128,
            WarmUpWindows = 100,
            Seed = 12345,
            Lags = 4,
            HalfScoreSurprise = 10,
        })),
        _ => throw new ArgumentException(kind, nameof(kind)),
    };

    [Fact]
    public void ABaselineArtifactSavedBeforeTheDeviationMemoryLoadsWithItOff()
    {
        // Today's artifact less its last field (a double) is what an older build saved.
        var codec = new BaselineCodec();
        BaselineOptions options = BaselineOptions.Default with { NoveltyWarmUpDays = 0.5, RoughnessDeviationWeight = 2 };
        (FeatureSchema schema, byte[] payload) = ChecksummedArtifact.Read(BaselineModel.KindName, codec.Save(new BaselineModel(Schema, options)));
        byte[] older = ChecksummedArtifact.Write(BaselineModel.KindName, schema, payload.AsSpan(0, payload.Length - sizeof(double)));

        var loaded = Assert.IsType<BaselineModel>(codec.Load(older));
        Assert.Equal(options with { RoughnessDeviationWeight = 0 }, loaded.Options);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SavedAndLoadedModelScoresIdentically(string kind)
    {
        (IModelCodec codec, IAnomalyModel model) = Create(kind);
        IAnomalyModel loaded = new ModelCodecs([new BaselineCodec(), new IsolationForestCodec()]).For(kind).Load(codec.Save(model));

        Assert.Equal(kind, loaded.Kind);
        Assert.True(loaded.Schema.Accepts(Schema));
        Assert.True(loaded.Schema.OpenEnded);
        Assert.Equal(OptionsOf(model), OptionsOf(loaded));

        DetectorState a = model.NewState();
        DetectorState b = loaded.NewState();
        var service = new SyntheticRed(seed: 11, Fault.ErrorBurst, onset: 900);
        for (int w = 0; w < 920; w++)
        {
            double[] values = service.Window(w);
            AnomalyScore expected = model.Score(a, SyntheticRed.StartOf(w), values);
            AnomalyScore actual = loaded.Score(b, SyntheticRed.StartOf(w), values);
            Assert.Equal(expected.Score, actual.Score);
            Assert.Equal(expected.SignalScores, actual.SignalScores);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RefusesCorruptTruncatedAndForeignBytes(string kind)
    {
        (IModelCodec codec, IAnomalyModel model) = Create(kind);
        byte[] artifact = codec.Save(model);

        byte[] corrupt = (byte[])artifact.Clone();
        corrupt[artifact.Length / 2] ^= 0x40;
        Assert.Contains("corrupt", Refused(codec, corrupt), StringComparison.Ordinal);
        Assert.Contains("truncated", Refused(codec, artifact[..^7]), StringComparison.Ordinal);
        Assert.Contains("not a", Refused(codec, artifact[..10]), StringComparison.Ordinal);
        Assert.Contains("not a", Refused(codec, "hello, this is not a model artifact at all"u8.ToArray()), StringComparison.Ordinal);

        (IModelCodec other, IAnomalyModel otherModel) = Create(kind == BaselineModel.KindName ? IsolationForestModel.KindName : BaselineModel.KindName);
        Assert.Contains($"not '{kind}'", Refused(codec, other.Save(otherModel)), StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesToSaveAnotherKind()
    {
        (_, IAnomalyModel forest) = Create(IsolationForestModel.KindName);
        Assert.Throws<ArgumentException>(() => new BaselineCodec().Save(forest));
    }

    private static string Refused(IModelCodec codec, byte[] bytes)
    {
        var error = Assert.Throws<ModelArtifactException>(() => codec.Load(bytes));
        Assert.DoesNotContain('\n', error.Message);
        return error.Message;
    }

    private static object OptionsOf(IAnomalyModel model) => model switch
    {
        BaselineModel b => b.Options,
        IsolationForestModel f => f.Options,
        _ => throw new ArgumentException(model.Kind, nameof(model)),
    };
}
