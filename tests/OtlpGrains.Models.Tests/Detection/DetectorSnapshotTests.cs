using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.IsolationForest;
using OtlpGrains.Models.Detection.Thresholds;
using Xunit;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Tests.Detection;

/// <summary>
/// A state that went through the Orleans serializer (as a grain checkpoint does) scores every later window exactly
/// as the state that never left memory: same score, same signal scores, same verdicts.
/// </summary>
public sealed class DetectorSnapshotTests : IDisposable
{
    private const int Onset = (4 * SyntheticRed.WindowsPerDay) + 150;

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Theory]
    [InlineData(BaselineModel.KindName)]
    [InlineData(IsolationForestModel.KindName)]
    public void RestoredStateScoresLikeTheOriginal(string detector)
    {
        var serializer = _services.GetRequiredService<Serializer>();
        IAnomalyModel model = DetectorFaultTests.Create(detector);
        DetectorState original = model.NewState();
        var threshold = new SignalThresholds();
        var service = new SyntheticRed(seed: 5, Fault.LevelShift, Onset);

        // Snapshot well after every warm-up (seasonal profile, forest, threshold), before the fault.
        int snapshotAt = Onset - 200;
        var windows = Enumerable.Range(0, Onset + 100).Select(service.Window).ToArray();
        for (int w = 0; w < snapshotAt; w++)
        {
            AnomalyVerdict.Judge(threshold, model.Score(original, SyntheticRed.StartOf(w), windows[w]), FeatureSchema.Red, null, SpotOptions.Default);
        }

        DetectorState restored = serializer.Deserialize<DetectorState>(serializer.SerializeToArray(original))!;
        SignalThresholds restoredThreshold = serializer.Deserialize<SignalThresholds>(serializer.SerializeToArray(threshold))!;
        Assert.NotSame(original, restored);
        Assert.Equal(detector, restored.Kind);

        double highest = 0;
        for (int w = snapshotAt; w < windows.Length; w++)
        {
            AnomalyScore expected = model.Score(original, SyntheticRed.StartOf(w), windows[w]);
            AnomalyScore actual = model.Score(restored, SyntheticRed.StartOf(w), windows[w]);
            Assert.Equal(expected.Score, actual.Score);
            Assert.Equal(expected.SignalScores, actual.SignalScores);
            AnomalyVerdict expectedVerdict = AnomalyVerdict.Judge(threshold, expected, FeatureSchema.Red, null, SpotOptions.Default);
            AnomalyVerdict actualVerdict = AnomalyVerdict.Judge(restoredThreshold, actual, FeatureSchema.Red, null, SpotOptions.Default);
            Assert.Equal(expectedVerdict.Severity, actualVerdict.Severity);
            Assert.Equal(expectedVerdict.Threshold, actualVerdict.Threshold);
            highest = Math.Max(highest, expected.Score);
        }

        // The compared windows include the fault: equal scores of a detector that says nothing would prove little.
        Assert.True(highest > 0.3, $"{detector} never scored above 0.3 after the snapshot (highest {highest})");
    }

    [Fact]
    public void StatesStayBoundedOverALongRun()
    {
        var serializer = _services.GetRequiredService<Serializer>();
        var model = new BaselineModel(FeatureSchema.Red, BaselineOptions.Default);
        DetectorState state = model.NewState();
        var service = new SyntheticRed(seed: 3);
        int sizeAfterADay = 0;
        for (int w = 0; w < 10 * SyntheticRed.WindowsPerDay; w++)
        {
            model.Score(state, SyntheticRed.StartOf(w), service.Window(w));
            if (w == SyntheticRed.WindowsPerDay)
            {
                sizeAfterADay = serializer.SerializeToArray(state).Length;
            }
        }

        Assert.Equal(sizeAfterADay, serializer.SerializeToArray(state).Length);
    }
}
