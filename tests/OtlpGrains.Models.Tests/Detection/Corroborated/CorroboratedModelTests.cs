using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.Context;
using OtlpGrains.Models.Detection.Corroborated;
using Xunit;

namespace OtlpGrains.Models.Tests.Detection.Corroborated;

/// <summary>The fused baseline and context detector: its arithmetic, its state through the serializer, its artifact.</summary>
public sealed class CorroboratedModelTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void ScoresTheWeightedMeanOfItsPartsPerSignalAndWindow()
    {
        // No rest: this is about the fusion itself.
        var options = CorroboratedOptions.Default with { ContextWeight = 0.25, RestWindows = 0 };
        var fused = new CorroboratedModel(FeatureSchema.Red, options);
        var baseline = new BaselineModel(FeatureSchema.Red, options.Baseline);
        var context = new ContextModel(FeatureSchema.Red, options.Context);
        DetectorState f = fused.NewState(), b = baseline.NewState(), c = context.NewState();
        var service = new SyntheticRed(seed: 2, Fault.ErrorBurst, onset: 700);
        bool bothSpoke = false;
        for (int w = 0; w < 720; w++)
        {
            double[] values = service.Window(w);
            AnomalyScore actual = fused.Score(f, SyntheticRed.StartOf(w), values);
            AnomalyScore bs = baseline.Score(b, SyntheticRed.StartOf(w), values);
            AnomalyScore cs = context.Score(c, SyntheticRed.StartOf(w), values);
            Assert.Equal((bs.Score + (0.25 * cs.Score)) / 1.25, actual.Score, 12);
            for (int i = 0; i < values.Length; i++)
            {
                if (double.IsNaN(bs.SignalScores[i]) && double.IsNaN(cs.SignalScores[i]))
                {
                    Assert.True(double.IsNaN(actual.SignalScores[i]));
                    continue;
                }

                double expected = ((double.IsNaN(bs.SignalScores[i]) ? 0 : bs.SignalScores[i]) + (0.25 * (double.IsNaN(cs.SignalScores[i]) ? 0 : cs.SignalScores[i]))) / 1.25;
                Assert.Equal(expected, actual.SignalScores[i], 12);
                bothSpoke |= bs.SignalScores[i] > 0.1 && cs.SignalScores[i] > 0.1;
            }
        }

        Assert.True(bothSpoke, "no window where both parts had something to say");
    }

    [Fact]
    public void RestsAfterAnAlarmWhileItsSignalsStillSpeak()
    {
        var options = CorroboratedOptions.Default with { RestWindows = 10 };
        var model = new CorroboratedModel(FeatureSchema.Univariate, options);
        var unrested = new CorroboratedModel(FeatureSchema.Univariate, options with { RestWindows = 0 });
        DetectorState state = model.NewState();
        DetectorState free = unrested.NewState();
        double Sawtooth(int t) => 10 + (t % 20) + (0.2 * Math.Sin(t * 1.7));
        for (int t = 0; t < 2000; t++)
        {
            Assert.Equal(unrested.Score(free, t, [Sawtooth(t)]).Score, model.Score(state, t, [Sawtooth(t)]).Score);
        }

        AnomalyScore alarm = model.Score(state, 2000, [500.0]);
        unrested.Score(free, 2000, [500.0]);
        Assert.True(alarm.Score >= options.AlarmScore, $"a value 25 ranges out scored {alarm.Score}");
        for (int t = 2001; t <= 2010; t++)
        {
            double value = t == 2005 ? 5000.0 : Sawtooth(t);
            AnomalyScore resting = model.Score(state, t, [value]);
            AnomalyScore open = unrested.Score(free, t, [value]);
            Assert.Equal(0, resting.Score);
            Assert.Equal(open.SignalScores, resting.SignalScores);
        }

        Assert.True(model.Score(state, 2011, [50_000.0]).Score >= options.AlarmScore, "no alarm after the rest");
    }

    [Fact]
    public void FlagsAnErrorBurstOnItsSignal()
    {
        var model = new CorroboratedModel(FeatureSchema.Red, CorroboratedOptions.Default);
        DetectorState state = model.NewState();
        int onset = 3 * SyntheticRed.WindowsPerDay;
        var service = new SyntheticRed(seed: 8, Fault.ErrorBurst, onset);
        double cleanHighest = 0;
        for (int w = 0; w < onset; w++)
        {
            double score = model.Score(state, SyntheticRed.StartOf(w), service.Window(w)).Score;
            cleanHighest = w > SyntheticRed.WindowsPerDay ? Math.Max(cleanHighest, score) : cleanHighest;
        }

        AnomalyScore burst = model.Score(state, SyntheticRed.StartOf(onset), service.Window(onset));
        Assert.True(burst.Score > cleanHighest, $"the burst scored {burst.Score}, the clean days up to {cleanHighest}");
        int strongest = Array.IndexOf(burst.SignalScores, burst.SignalScores.Where(s => !double.IsNaN(s)).Max());
        Assert.Equal(1, strongest);
    }

    [Fact]
    public void RestoredStateScoresLikeTheOriginal()
    {
        var serializer = _services.GetRequiredService<Serializer>();
        var model = new CorroboratedModel(FeatureSchema.Red, CorroboratedOptions.Default);
        DetectorState original = model.NewState();
        var service = new SyntheticRed(seed: 6, Fault.LevelShift, onset: 900);
        var windows = Enumerable.Range(0, 950).Select(service.Window).ToArray();
        for (int w = 0; w < 600; w++)
        {
            model.Score(original, SyntheticRed.StartOf(w), windows[w]);
        }

        DetectorState restored = serializer.Deserialize<DetectorState>(serializer.SerializeToArray(original))!;
        Assert.Equal(CorroboratedModel.KindName, restored.Kind);
        double highest = 0;
        for (int w = 600; w < windows.Length; w++)
        {
            AnomalyScore expected = model.Score(original, SyntheticRed.StartOf(w), windows[w]);
            AnomalyScore actual = model.Score(restored, SyntheticRed.StartOf(w), windows[w]);
            Assert.Equal(expected.Score, actual.Score);
            Assert.Equal(expected.SignalScores, actual.SignalScores);
            highest = Math.Max(highest, expected.Score);
        }

        Assert.True(highest > 0.3, $"never scored above 0.3 after the snapshot (highest {highest})");
    }

    [Fact]
    public void ArtifactRoundTripScoresIdenticallyAndBadBytesAreRefused()
    {
        var model = new CorroboratedModel(FeatureSchema.Red, new CorroboratedOptions
        {
            Baseline = BaselineOptions.Default with { RecentWindows = 48, NoveltyWeight = 70 },
            Context = ContextOptions.Default with { Bins = 6, RestWindows = 40 },
            ContextWeight = 0.3,
            AlarmScore = 0.2,
            RestWindows = 12,
        });
        var codec = new CorroboratedCodec();
        byte[] artifact = codec.Save(model);
        var loaded = Assert.IsType<CorroboratedModel>(new ModelCodecs(DetectorCodecs.Create()).For(CorroboratedModel.KindName).Load(artifact));
        Assert.Equal(model.Options, loaded.Options);
        Assert.True(loaded.Schema.Accepts(FeatureSchema.Red));

        DetectorState a = model.NewState(), b = loaded.NewState();
        var service = new SyntheticRed(seed: 12, Fault.Spike, onset: 500);
        for (int w = 0; w < 510; w++)
        {
            double[] values = service.Window(w);
            Assert.Equal(model.Score(a, SyntheticRed.StartOf(w), values).SignalScores, loaded.Score(b, SyntheticRed.StartOf(w), values).SignalScores);
        }

        byte[] corrupt = (byte[])artifact.Clone();
        corrupt[artifact.Length / 2] ^= 0x40;
        Assert.Contains("corrupt", Refused(codec, corrupt), StringComparison.Ordinal);
        Assert.Contains("truncated", Refused(codec, artifact[..^7]), StringComparison.Ordinal);
        Assert.Contains("not 'baseline-context'", Refused(codec, new ContextCodec().Save(new ContextModel(FeatureSchema.Red, ContextOptions.Default))), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => codec.Save(new ContextModel(FeatureSchema.Red, ContextOptions.Default)));
    }

    [Theory]
    [InlineData(-1, 0.1, 30, "ContextWeight")]
    [InlineData(0.1, 0, 30, "AlarmScore")]
    [InlineData(0.1, 0.1, -1, "RestWindows")]
    public void RefusesBadOptionsWithOneLine(double weight, double alarm, int rest, string named)
    {
        var options = CorroboratedOptions.Default with { ContextWeight = weight, AlarmScore = alarm, RestWindows = rest };
        var error = Assert.Throws<ArgumentException>(() => new CorroboratedModel(FeatureSchema.Red, options));
        Assert.StartsWith(named, error.Message, StringComparison.Ordinal);
    }

    private static string Refused(CorroboratedCodec codec, byte[] bytes)
    {
        var error = Assert.Throws<ModelArtifactException>(() => codec.Load(bytes));
        Assert.DoesNotContain('\n', error.Message);
        return error.Message;
    }
}
