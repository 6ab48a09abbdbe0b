using System.Collections.Concurrent;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection.WindowedGaussian;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Evaluation.Nab;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Models.Tests;

public sealed class NabDetectorRunTests
{
    private static readonly Lazy<NabCorpus> Corpus = new(() => NabCorpus.Load(SharedData.Directory("nab")));

    [Fact]
    public void EachFileIsFedRowByRowOnItsOwnFreshState()
    {
        var model = new RecordingModel();

        NabDetectorRun.Run(model, Corpus.Value);

        Assert.Equal(Corpus.Value.Files.Count, model.States.Count);
        foreach (NabFile file in Corpus.Value.Files)
        {
            (long, double)[] expected = [.. file.Timestamps.Select((t, row) =>
                (new DateTimeOffset(t).ToUnixTimeMilliseconds() * 1_000_000, file.Values[row]))];
            Assert.Single(model.States, s => s.Fed.SequenceEqual(expected));
        }
    }

    [Fact]
    public void ScoresDoNotDependOnHowFilesAreScheduled()
    {
        var model = new WindowedGaussianModel(windowSize: 64, stepSize: 8);

        double[][] serial = NabDetectorRun.Run(model, Corpus.Value, maxParallelism: 1);
        double[][] parallel = NabDetectorRun.Run(model, Corpus.Value, maxParallelism: 4);

        Assert.Equal(serial, parallel);
    }

    [Fact]
    public void ModelOfAnotherSchemaIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            NabDetectorRun.Run(new WindowedGaussianModel(schema: FeatureSchema.Red), Corpus.Value));
        Assert.Contains("red.v1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScoreOutsideTheUnitIntervalNamesTheFileAndRow()
    {
        NabFile file = Corpus.Value.Files[0];

        var e = Assert.Throws<InvalidOperationException>(() => NabDetectorRun.RunFile(new RecordingModel(score: 1.5), file));
        Assert.Contains($"{file.RelativePath} row 1", e.Message, StringComparison.Ordinal);
    }

    private sealed class RecordingModel(double score = 0.5) : IAnomalyModel
    {
        public ConcurrentBag<RecordingState> States { get; } = [];

        public string Kind => "recording";

        public FeatureSchema Schema => FeatureSchema.Univariate;

        public DetectorState NewState()
        {
            var state = new RecordingState();
            States.Add(state);
            return state;
        }

        public AnomalyScore Score(DetectorState state, long windowStartUnixNano, ReadOnlySpan<double> values)
        {
            ((RecordingState)state).Fed.Add((windowStartUnixNano, values[0]));
            return new AnomalyScore(score, [score]);
        }
    }

    private sealed class RecordingState : DetectorState
    {
        public List<(long, double)> Fed { get; } = [];

        public override string Kind => "recording";
    }
}
