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
    public void RestsAfterAnAlarmUnlessTheIncidentGrows()
    {
        // The rest rule on its own: without the baseline's memory of departure sizes, the repeated bursts below still
        // score, so there is something for the rest to mute.
        var options = CorroboratedOptions.Default with { Baseline = BaselineOptions.Default };
        var model = new CorroboratedModel(FeatureSchema.Univariate, options);
        var unrested = new CorroboratedModel(FeatureSchema.Univariate, options with { RestWindows = 0 });
        DetectorState state = model.NewState();
        DetectorState free = unrested.NewState();

        // A noisy level in five-minute windows, with bursts of departures of random size every few dozen windows and a
        // creep (a departure growing over six windows) every 200.
        var random = new Random(3);
        int restLeft = 0, muted = 0, brokeThrough = 0;
        double bar = 0;
        for (int t = 0; t < 6000; t++)
        {
            double value = 100 + (5 * random.NextDouble());
            if (t % 37 < 3 && random.NextDouble() < 0.5)
            {
                value += 10 + (300 * random.NextDouble() * random.NextDouble());
            }

            if (t % 200 is > 100 and <= 106)
            {
                value += 8 * Math.Pow(2, (t % 200) - 100);
            }

            long at = t * 300_000_000_000L;
            AnomalyScore open = unrested.Score(free, at, [value]);
            AnomalyScore rested = model.Score(state, at, [value]);
            Assert.Equal(open.SignalScores, rested.SignalScores);

            // The rule: within RestWindows of an alarm, only a window scoring above the alarm that started the rest speaks.
            bool resting = restLeft > 0;
            restLeft = Math.Max(0, restLeft - 1);
            bool speaks = !resting || open.Score > bar;
            Assert.Equal(speaks ? open.Score : 0, rested.Score);
            muted += resting && !speaks && open.Score > 0 ? 1 : 0;
            brokeThrough += resting && speaks ? 1 : 0;
            if (speaks && open.Score >= options.AlarmScore)
            {
                restLeft = options.RestWindows;
                bar = open.Score;
            }
        }

        Assert.True(muted > 0, $"the rest muted only {muted} windows that would have scored");
        Assert.True(brokeThrough > 0, "no stronger window broke through a rest");
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
