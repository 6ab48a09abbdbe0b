using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Resonance;
using OtlpGrains.Models.Detection.Thresholds;
using Xunit;

namespace OtlpGrains.Models.Tests.Detection.Resonance;

/// <summary>
/// The resonance detector through the adaptive threshold on the synthetic RED services of <see cref="DetectorFaultTests"/>.
/// It finds every fault within two windows and names the signal it hit, but unlike the detectors there it is not
/// silent on the clean days: its novel shapes on noise reach the threshold 2 to 4 times in 4.5 days of 5-minute
/// windows (models/README.md). That is why it is a NAB detector and no service's default; the bound below keeps it
/// from getting worse unnoticed.
/// </summary>
public sealed class ResonanceFaultTests
{
    private const int Onset = (4 * SyntheticRed.WindowsPerDay) + 150;

    [Theory]
    [InlineData((int)Fault.Spike, new[] { "p99" })]
    [InlineData((int)Fault.LevelShift, new[] { "p50", "p95", "p99" })]
    [InlineData((int)Fault.LatencyCreep, new[] { "p95", "p99" })]
    [InlineData((int)Fault.ErrorBurst, new[] { "errorRatio" })]
    [InlineData((int)Fault.TrafficDrop, new[] { "rate" })]
    public void FlagsTheFaultWithinTwoWindows(int fault, string[] expectedSignals)
    {
        var model = new ResonanceModel(FeatureSchema.Red, ResonanceOptions.Default);
        DetectorState state = model.NewState();
        var threshold = new SignalThresholds();
        var service = new SyntheticRed(seed: 17 + fault, (Fault)fault, Onset);
        var falseAlarms = new List<int>();
        AnomalyVerdict? caught = null;
        for (int w = 0; w < Onset + 2; w++)
        {
            AnomalyVerdict verdict = AnomalyVerdict.Judge(
                threshold, model.Score(state, SyntheticRed.StartOf(w), service.Window(w)), FeatureSchema.Red, null, SpotOptions.Default);
            if (w < Onset && verdict.IsAnomalous)
            {
                falseAlarms.Add(w);
            }
            else if (w >= Onset && verdict.IsAnomalous)
            {
                caught ??= verdict;
            }
        }

        Assert.True(caught is not null, $"resonance missed {(Fault)fault} in its first 2 windows");
        Assert.True(caught.Signals.Intersect(expectedSignals).Any(),
            $"resonance named [{string.Join(", ", caught.Signals)}] for {(Fault)fault}, expected one of [{string.Join(", ", expectedSignals)}]");
        Assert.True(falseAlarms.Count <= 4, $"{falseAlarms.Count} false alarms before the fault, at windows {string.Join(", ", falseAlarms)}");
    }
}
