using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.Corroborated;
using OtlpGrains.Models.Detection.IsolationForest;
using OtlpGrains.Models.Detection.Thresholds;
using Xunit;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Tests.Detection;

/// <summary>
/// Each detector, judged through the adaptive threshold, on synthetic services with a daily rhythm: every fault is
/// flagged within two windows of its onset and names the signal it hit, and the clean days before raise no alarm.
/// </summary>
public sealed class DetectorFaultTests
{
    // Four and a half clean days (the seasonal profile needs three), then the fault.
    private const int Onset = (4 * SyntheticRed.WindowsPerDay) + 150;

    public static TheoryData<string, int, string[]> Faults()
    {
        var data = new TheoryData<string, int, string[]>();
        foreach (string detector in new[] { BaselineModel.KindName, IsolationForestModel.KindName, CorroboratedModel.KindName })
        {
            data.Add(detector, (int)Fault.Spike, ["p99"]);
            data.Add(detector, (int)Fault.LevelShift, ["p50", "p95", "p99"]);
            data.Add(detector, (int)Fault.LatencyCreep, ["p95", "p99"]);
            data.Add(detector, (int)Fault.ErrorBurst, ["errorRatio"]);
            data.Add(detector, (int)Fault.TrafficDrop, ["rate"]);
        }

        return data;
    }

    internal static IAnomalyModel Create(string kind) => kind switch
    {
        BaselineModel.KindName => new BaselineModel(FeatureSchema.Red, BaselineOptions.Default),
        IsolationForestModel.KindName => new IsolationForestModel(FeatureSchema.Red, IsolationForestOptions.Default),
        CorroboratedModel.KindName => new CorroboratedModel(FeatureSchema.Red, CorroboratedOptions.Default),
        _ => throw new ArgumentException($"unknown detector {kind}", nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void FlagsTheFaultWithinTwoWindowsAndNotBefore(string detector, int fault, string[] expectedSignals)
    {
        IAnomalyModel model = Create(detector);
        DetectorState state = model.NewState();
        var threshold = new SignalThresholds();
        var service = new SyntheticRed(seed: 17 + fault, (Fault)fault, Onset);
        var falseAlarms = new List<int>();
        AnomalyVerdict? caught = null;
        int caughtAt = -1;
        const int allowed = 2;
        for (int w = 0; w < Onset + allowed; w++)
        {
            AnomalyScore score = model.Score(state, SyntheticRed.StartOf(w), service.Window(w));
            AnomalyVerdict verdict = AnomalyVerdict.Judge(threshold, score, FeatureSchema.Red, null, SpotOptions.Default);
            if (w < Onset && verdict.IsAnomalous)
            {
                falseAlarms.Add(w);
            }
            else if (w >= Onset && verdict.IsAnomalous && caught is null)
            {
                caught = verdict;
                caughtAt = w;
            }
        }

        Assert.True(threshold.IsCalibrated);
        Assert.Empty(falseAlarms);
        Assert.True(caught is not null, $"{detector} missed {(Fault)fault} in its first {allowed} windows");
        Assert.InRange(caughtAt, Onset, Onset + allowed - 1);
        Assert.True(caught.Signals.Intersect(expectedSignals).Any(),
            $"{detector} named [{string.Join(", ", caught.Signals)}] for {(Fault)fault}, expected one of [{string.Join(", ", expectedSignals)}]");
    }

    [Theory]
    [InlineData(BaselineModel.KindName)]
    [InlineData(IsolationForestModel.KindName)]
    [InlineData(CorroboratedModel.KindName)]
    public void RaisesNoAlarmInSixCleanDays(string detector)
    {
        IAnomalyModel model = Create(detector);
        DetectorState state = model.NewState();
        var threshold = new SignalThresholds();
        var service = new SyntheticRed(seed: 99);
        var alarms = new List<int>();
        for (int w = 0; w < 6 * SyntheticRed.WindowsPerDay; w++)
        {
            AnomalyScore score = model.Score(state, SyntheticRed.StartOf(w), service.Window(w));
            if (AnomalyVerdict.Judge(threshold, score, FeatureSchema.Red, null, SpotOptions.Default).IsAnomalous)
            {
                alarms.Add(w);
            }
        }

        Assert.True(threshold.IsCalibrated);
        Assert.Empty(alarms);
    }
}
