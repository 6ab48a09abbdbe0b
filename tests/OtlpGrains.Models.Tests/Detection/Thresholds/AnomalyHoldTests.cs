using OtlpGrains.Models.Detection.Thresholds;
using Xunit;

namespace OtlpGrains.Models.Tests.Detection.Thresholds;

public sealed class AnomalyHoldTests
{
    private static readonly AnomalyVerdict Normal = new(AnomalySeverity.None, 0.01, 0.5, []);

    private static readonly AnomalyVerdict ErrorsCritical = new(AnomalySeverity.Critical, 0.97, 0.75, ["errorRatio"]) { Drivers = [1] };

    [Fact]
    public void HoldsAnAnomalyWhileItsSignalStaysOutAndClosesWhenItComesBack()
    {
        var hold = new AnomalyHold();
        for (int w = 0; w < 100; w++)
        {
            Assert.False(hold.Apply(Normal, w, [10, 0.02, 35], SpotOptions.Default).IsAnomalous);
        }

        AnomalyVerdict onset = hold.Apply(ErrorsCritical, 100, [10, 0.5, 35], SpotOptions.Default);
        Assert.False(onset.Held);
        Assert.Equal(100, onset.OnsetUnixNano);

        // The detector scores the fault's later windows low; the error ratio is still far out.
        for (int w = 101; w < 150; w++)
        {
            AnomalyVerdict held = hold.Apply(Normal, w, [10, 0.45, 35], SpotOptions.Default);
            Assert.True(held.Held);
            Assert.Equal(AnomalySeverity.Critical, held.Severity);
            Assert.Equal(["errorRatio"], held.Signals);
            Assert.Equal(100, held.OnsetUnixNano);
            Assert.Equal(0.75, held.Threshold);
        }

        // Less than half way out: over.
        AnomalyVerdict after = hold.Apply(Normal, 150, [10, 0.2, 35], SpotOptions.Default);
        Assert.False(after.IsAnomalous);
        Assert.False(hold.IsOpen);
    }

    [Fact]
    public void ADepartureTheOtherWayDoesNotHold()
    {
        var hold = new AnomalyHold();
        hold.Apply(Normal, 0, [10, 0.02, 35], SpotOptions.Default);
        var rateDrop = new AnomalyVerdict(AnomalySeverity.Warning, 0.6, 0.5, ["rate"]) { Drivers = [0] };
        hold.Apply(rateDrop, 1, [2, 0.02, 35], SpotOptions.Default);
        Assert.True(hold.Apply(Normal, 2, [3, 0.02, 35], SpotOptions.Default).Held);
        Assert.False(hold.Apply(Normal, 3, [20, 0.02, 35], SpotOptions.Default).IsAnomalous);
    }

    [Fact]
    public void HoldsForAtMostHoldWindowsThenTheChangeIsTheNewNormal()
    {
        var options = SpotOptions.Default with { HoldWindows = 5 };
        var hold = new AnomalyHold();
        hold.Apply(Normal, 0, [10, 0.02, 35], options);
        hold.Apply(ErrorsCritical, 1, [10, 0.5, 35], options);
        for (int w = 2; w < 7; w++)
        {
            Assert.True(hold.Apply(Normal, w, [10, 0.5, 35], options).Held);
        }

        Assert.False(hold.Apply(Normal, 7, [10, 0.5, 35], options).IsAnomalous);

        // Its level is learned from then on: the same error ratio opens nothing by itself.
        Assert.False(hold.IsOpen);
    }

    [Fact]
    public void AVerdictDuringTheHoldJoinsItsSignalsAndKeepsTheOnset()
    {
        var hold = new AnomalyHold();
        hold.Apply(Normal, 0, [10, 0.02, 35], SpotOptions.Default);
        hold.Apply(new AnomalyVerdict(AnomalySeverity.Warning, 0.6, 0.5, ["p50"]) { Drivers = [2] }, 1, [10, 0.02, 80], SpotOptions.Default);
        AnomalyVerdict joined = hold.Apply(ErrorsCritical, 2, [10, 0.5, 80], SpotOptions.Default);
        Assert.Equal(1, joined.OnsetUnixNano);

        AnomalyVerdict held = hold.Apply(Normal, 3, [10, 0.5, 36], SpotOptions.Default);
        Assert.True(held.Held);
        Assert.Equal(AnomalySeverity.Critical, held.Severity);
        Assert.Equal(["p50", "errorRatio"], held.Signals);
    }
}
