using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Models.Tests.Detection;

public sealed class SaturationDetectionTests
{
    private const long Second = 1_000_000_000;
    private const long T0 = 1_700_000_000 * Second;
    private const string Cpu = "k8s.pod.cpu_limit_utilization";

    [Fact]
    public void AUtilisationThatRisesPastEightyPercentIsSaturatedUntilItReadsBelowAgain()
    {
        var saturation = new SaturationDetection();
        Assert.Empty(saturation.Judge(Window(0, 0.05)));
        Assert.Empty(saturation.Judge(Window(1, 0.79)));

        Saturation found = Assert.Single(saturation.Judge(Window(2, 0.9)));
        Assert.Equal((Cpu, 0.9, 0.79, T0 + (20 * Second)), (found.Name, found.Value, found.Usual, found.OnsetUnixNano));
        Assert.Equal("saturation " + Cpu, found.Signal);

        // Still saturated a window later, from the same onset; gone once a reading is below.
        Assert.Equal(T0 + (20 * Second), Assert.Single(saturation.Judge(Window(3, 0.85))).OnsetUnixNano);
        Assert.Empty(saturation.Judge(Window(4, 0.3)));
    }

    [Fact]
    public void ASeriesNeverSeenBelowIsAtItsNormAndSaysNothing()
    {
        var saturation = new SaturationDetection();
        Assert.Empty(saturation.Judge(Window(0, 0.95)));
        Assert.Empty(saturation.Judge(Window(1, 0.97)));
    }

    [Fact]
    public void SaturationHoldsThroughWindowsWithoutAReadingUntilFiveMinutesPassWithoutOne()
    {
        var saturation = new SaturationDetection();
        saturation.Judge(Window(0, 0.1));
        Assert.Single(saturation.Judge(Window(6, 0.95)));

        // A scrape a minute apart: the windows between have no reading, and the resource is still saturated.
        Saturation held = Assert.Single(saturation.Judge(Window(7, double.NaN)));
        Assert.Equal(T0 + (60 * Second), held.ReadUnixNano);
        Assert.Single(saturation.Judge(Window(35, double.NaN)));
        Assert.Empty(saturation.Judge(Window(36, double.NaN)));
    }

    [Fact]
    public void OnlyUtilisationSeriesAreJudged()
    {
        var saturation = new SaturationDetection();
        string[] names = ["http.server.active_requests", "system.cpu.utilization", "container_memory_utilization"];
        saturation.Judge(new ClosedWindow(WindowSignal.Metrics, T0, T0 + (10 * Second), names, [0.1, 0.1, 0.1]));

        Saturation[] found = saturation.Judge(new ClosedWindow(WindowSignal.Metrics, T0 + (10 * Second), T0 + (20 * Second), names, [40, 0.92, 0.99]));

        Assert.Equal(["container_memory_utilization", "system.cpu.utilization"], found.Select(s => s.Name));
    }

    [Fact]
    public void AUtilisationInPercentIsNotARatioAndIsLeftAlone()
    {
        var saturation = new SaturationDetection();
        Assert.Empty(saturation.Judge(Window(0, 0.4)));
        Assert.Empty(saturation.Judge(Window(1, 35)));
        Assert.Empty(saturation.Judge(Window(2, 0.3)));
        Assert.Empty(saturation.Judge(Window(3, 0.95)));
    }

    private static ClosedWindow Window(int index, double cpu) =>
        new(WindowSignal.Metrics, T0 + (index * 10 * Second), T0 + ((index + 1) * 10 * Second), ["k8s.pod.memory_limit_utilization", Cpu], [0.2, cpu]);
}
