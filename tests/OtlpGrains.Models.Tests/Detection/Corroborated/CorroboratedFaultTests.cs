using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Corroborated;
using OtlpGrains.Models.Detection.Thresholds;
using Xunit;

namespace OtlpGrains.Models.Tests.Detection.Corroborated;

/// <summary>
/// The fused detector judged through the adaptive threshold, as a service grain judges it, on synthetic services with
/// a daily rhythm: each fault is flagged within two windows of its onset and names the signal it hit, and the clean
/// days before raise no alarm.
/// </summary>
public sealed class CorroboratedFaultTests
{
    // Four and a half clean days (the baseline's seasonal profile needs three), then the fault.
    private const int Onset = (4 * SyntheticRed.WindowsPerDay) + 150;

    public static TheoryData<int, string[]> Faults() => new()
    {
        { (int)Fault.Spike, ["p99"] },
        { (int)Fault.LevelShift, ["p50", "p95", "p99"] },
        { (int)Fault.LatencyCreep, ["p95", "p99"] },
        { (int)Fault.ErrorBurst, ["errorRatio"] },
        { (int)Fault.TrafficDrop, ["rate"] },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void FlagsTheFaultWithinTwoWindowsAndNotBefore(int fault, string[] expectedSignals)
    {
        var model = new CorroboratedModel(FeatureSchema.Red, CorroboratedOptions.Default);
        DetectorState state = model.NewState();
        var threshold = new SignalThresholds();
        var service = new SyntheticRed(seed: 17 + fault, (Fault)fault, Onset);
        var falseAlarms = new List<int>();
        AnomalyVerdict? caught = null;
        int caughtAt = -1;
        const int allowed = 2;
        for (int w = 0; w < Onset + allowed; w++)
        {
            AnomalyVerdict verdict = AnomalyVerdict.Judge(threshold, model.Score(state, SyntheticRed.StartOf(w), service.Window(w)), FeatureSchema.Red, null, SpotOptions.Default);
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
        Assert.True(caught is not null, $"missed {(Fault)fault} in its first {allowed} windows");
        Assert.InRange(caughtAt, Onset, Onset + allowed - 1);
        Assert.True(caught.Signals.Intersect(expectedSignals).Any(),
            $"named [{string.Join(", ", caught.Signals)}] for {(Fault)fault}, expected one of [{string.Join(", ", expectedSignals)}]");
    }

    [Fact]
    public void RaisesNoAlarmInSixCleanDays()
    {
        var model = new CorroboratedModel(FeatureSchema.Red, CorroboratedOptions.Default);
        DetectorState state = model.NewState();
        var threshold = new SignalThresholds();
        var service = new SyntheticRed(seed: 99);
        var alarms = new List<int>();
        for (int w = 0; w < 6 * SyntheticRed.WindowsPerDay; w++)
        {
            if (AnomalyVerdict.Judge(threshold, model.Score(state, SyntheticRed.StartOf(w), service.Window(w)), FeatureSchema.Red, null, SpotOptions.Default).IsAnomalous)
            {
                alarms.Add(w);
            }
        }

        Assert.True(threshold.IsCalibrated);
        Assert.Empty(alarms);
    }
}
