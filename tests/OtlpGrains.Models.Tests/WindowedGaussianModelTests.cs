using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.Models.Detection.WindowedGaussian;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Evaluation.Nab;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Models.Tests;

public sealed class WindowedGaussianModelTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void FirstValueHasNoOpinionAndAJumpOffAFlatWindowScoresOne()
    {
        var model = new WindowedGaussianModel(windowSize: 10, stepSize: 2);
        DetectorState state = model.NewState();

        AnomalyScore first = model.Score(state, 0, [5.0]);
        AnomalyScore same = model.Score(state, 1, [5.0]);
        AnomalyScore jump = model.Score(state, 2, [6.0]);

        Assert.Equal(0, first.Score);
        Assert.True(double.IsNaN(first.SignalScores[0]));
        Assert.Equal(0.5, same.Score); // at the mean: half the distribution lies above
        Assert.Equal(1.0, jump.Score); // a flat window's stand-in deviation makes any change extreme
    }

    [Fact]
    public void ScoreIsTheNormalTailOfTheZScoreOnEitherSide()
    {
        var model = new WindowedGaussianModel(windowSize: 4, stepSize: 1);

        // Window {1, 3, 1, 3}: mean 2, population deviation 1; 3.5 and 0.5 lie 1.5 deviations either side.
        Assert.Equal(1 - NormalTail.Q(1.5), model.Score(Filled(model), 0, [3.5]).Score, 1e-15);
        Assert.Equal(1 - NormalTail.Q(1.5), model.Score(Filled(model), 0, [0.5]).Score, 1e-15);

        static DetectorState Filled(WindowedGaussianModel model)
        {
            DetectorState state = model.NewState();
            foreach (double v in new[] { 1.0, 3.0, 1.0, 3.0 })
            {
                model.Score(state, 0, [v]);
            }

            return state;
        }
    }

    [Fact]
    public void WindowStaysBoundedAndSlidesWholeSteps()
    {
        var model = new WindowedGaussianModel(windowSize: 10, stepSize: 4);
        var state = (WindowedGaussianState)model.NewState();
        for (int i = 0; i < 13; i++)
        {
            model.Score(state, i, [i]);
        }

        // Ten fill the window, three wait for the next step of four.
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (double)i), state.Signals[0].Values);
        Assert.Equal(3, state.Signals[0].Pending.Count);
        model.Score(state, 13, [13.0]);
        Assert.Equal(Enumerable.Range(4, 10).Select(i => (double)i), state.Signals[0].Values);
        Assert.Empty(state.Signals[0].Pending);
    }

    [Fact]
    public void MissingValueHasNoOpinionAndTeachesNothing()
    {
        var model = new WindowedGaussianModel(windowSize: 10, stepSize: 2, schema: FeatureSchema.Red);
        var state = (WindowedGaussianState)model.NewState();

        model.Score(state, 0, [1, 0, 5, 9, 12]);
        AnomalyScore score = model.Score(state, 1, [1, double.NaN, 5, 9, 40]);

        Assert.True(double.IsNaN(score.SignalScores[1]));
        Assert.Single(state.Signals[1].Values);
        Assert.Equal(1.0, score.SignalScores[4]);
        Assert.Equal(1.0, score.Score);
    }

    [Fact]
    public void RestoredStateGivesIdenticalScores()
    {
        var model = new WindowedGaussianModel(windowSize: 50, stepSize: 7);
        double[] series = Series(400);
        DetectorState state = model.NewState();
        for (int i = 0; i < 213; i++)
        {
            model.Score(state, i, [series[i]]);
        }

        var serializer = _services.GetRequiredService<Serializer>();
        DetectorState restored = serializer.Deserialize<DetectorState>(serializer.SerializeToArray<DetectorState>(state))!;

        Assert.IsType<WindowedGaussianState>(restored);
        for (int i = 213; i < series.Length; i++)
        {
            Assert.Equal(model.Score(state, i, [series[i]]).Score, model.Score(restored, i, [series[i]]).Score);
        }
    }

    [Fact]
    public void ArtifactRoundTripGivesAModelWithIdenticalScores()
    {
        var model = new WindowedGaussianModel(windowSize: 30, stepSize: 5, schema: FeatureSchema.Red);
        var codec = new WindowedGaussianCodec();

        var loaded = (WindowedGaussianModel)codec.Load(codec.Save(model));

        Assert.Equal((30, 5), (loaded.WindowSize, loaded.StepSize));
        Assert.True(loaded.Schema.Accepts(FeatureSchema.Red));
        Assert.Equal(FeatureSchema.Red.OpenEnded, loaded.Schema.OpenEnded);
        DetectorState a = model.NewState();
        DetectorState b = loaded.NewState();
        double[] series = Series(200);
        for (int i = 0; i < series.Length; i++)
        {
            double[] vector = [series[i], series[i] / 10, series[i] * 2, i % 7, 1];
            Assert.Equal(model.Score(a, i, vector).SignalScores, loaded.Score(b, i, vector).SignalScores);
        }
    }

    [Fact]
    public void CorruptTruncatedAndForeignArtifactsAreRefusedWithOneLine()
    {
        var codec = new WindowedGaussianCodec();
        byte[] artifact = codec.Save(new WindowedGaussianModel());
        byte[] corrupt = (byte[])artifact.Clone();
        corrupt[10] ^= 0x40; // inside the envelope, past its header: the checksum catches it

        AssertRefused(codec, corrupt, "checksum");
        AssertRefused(codec, artifact[..^5], "truncated");
        AssertRefused(codec, artifact[..3], "not a windowed-gaussian artifact");
        AssertRefused(codec, [.. "OGIF"u8, .. artifact[4..]], "not a windowed-gaussian artifact");
        AssertRefused(codec, [.. artifact, 0], "after its end");
        Assert.Contains(WindowedGaussianModel.ModelKind, new ModelCodecs([codec]).Kinds);
    }

    [Fact]
    public void ReproducesTheBenchmarksWindowedGaussianScores()
    {
        NabCorpus corpus = NabCorpus.Load(SharedData.Directory("nab"));
        var model = new WindowedGaussianModel();
        double[][] ours = NabDetectorRun.Run(model, corpus);

        double worst = 0;
        string where = "";
        for (int f = 0; f < corpus.Files.Count; f++)
        {
            string fileName = Path.GetFileName(corpus.Files[f].RelativePath);
            double[] shipped = NabCsvTable.Read(Path.Combine(
                corpus.Directory, "results", "windowedGaussian", corpus.Files[f].Category, $"windowedGaussian_{fileName}")).Doubles("anomaly_score");
            for (int row = 0; row < shipped.Length; row++)
            {
                double difference = Math.Abs(shipped[row] - ours[f][row]);
                if (difference > worst)
                {
                    (worst, where) = (difference, $"{corpus.Files[f].RelativePath} row {row + 1}: shipped {shipped[row]:R}, ours {ours[f][row]:R}");
                }
            }
        }

        // The shipped scores are printed to 12 significant digits.
        Assert.True(worst < 1e-9, $"largest difference {worst:E2} at {where}");

        // End to end: our detector's own scores give its published standard score at the benchmark's threshold (1.0)
        // once written as the benchmark wrote them (12 significant digits, so 0.99999999999995 and up read back as 1.0:
        // the benchmark scored the files it had written).
        double[][] asWritten = [.. ours.Select(file => file.Select(score => Math.Round(score, 12)).ToArray())];
        Assert.Equal(39.65, NabBenchmark.ScoreAt(corpus, asWritten, corpus.Profile("standard"), 1.0).NormalizedScore, 0.05);
    }

    private static void AssertRefused(WindowedGaussianCodec codec, byte[] artifact, string reason)
    {
        var e = Assert.Throws<ModelArtifactException>(() => codec.Load(artifact));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static double[] Series(int length) =>
        [.. Enumerable.Range(0, length).Select(i => (10 * Math.Sin(i / 9.0)) + (i % 13 == 0 ? 25 : 0) + (i * 0.01))];
}
