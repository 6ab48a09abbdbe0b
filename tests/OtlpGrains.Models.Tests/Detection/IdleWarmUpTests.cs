using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Models.Tests.Detection;

public sealed class IdleWarmUpTests
{
    private const long Second = 1_000_000_000;
    private const long T0 = 1_700_000_000 * Second;

    [Fact]
    public void TheMinuteAfterAPauseOfNinetySecondsIsAWarmUpAndAShorterGapIsNot()
    {
        var warmUp = new IdleWarmUp();
        Assert.False(warmUp.Warming(Window(WindowSignal.Spans, 0)));
        Assert.False(warmUp.Warming(Window(WindowSignal.Spans, 1)));

        // 80 s without a window: not a pause.
        Assert.False(warmUp.Warming(Window(WindowSignal.Spans, 10)));

        // 90 s without one: windows 20 to 25 (a minute from the first) warm up, 26 does not.
        bool[] after = [.. Enumerable.Range(20, 7).Select(w => warmUp.Warming(Window(WindowSignal.Spans, w)))];
        Assert.Equal([true, true, true, true, true, true, false], after);
    }

    [Fact]
    public void EachSignalPausesOnItsOwn()
    {
        var warmUp = new IdleWarmUp();
        for (int w = 0; w < 40; w++)
        {
            // Metrics every window; spans stop between windows 10 and 30.
            Assert.False(warmUp.Warming(Window(WindowSignal.Metrics, w)));
            if (w is < 10 or >= 30)
            {
                Assert.Equal(w is >= 30 and < 36, warmUp.Warming(Window(WindowSignal.Spans, w)));
            }
        }
    }

    [Fact]
    public void AWindowClosedLateDoesNotStartAWarmUp()
    {
        var warmUp = new IdleWarmUp();
        Assert.False(warmUp.Warming(Window(WindowSignal.Logs, 30)));

        // An older window closing after a newer one is no pause.
        Assert.False(warmUp.Warming(Window(WindowSignal.Logs, 5)));
        Assert.False(warmUp.Warming(Window(WindowSignal.Logs, 31)));
    }

    [Fact]
    public void EmptyWindowsAreThePause()
    {
        var warmUp = new IdleWarmUp();
        Assert.False(warmUp.Warming(Window(WindowSignal.Spans, 0)));

        // The windows of the pause close empty (no requests, latencies NaN): nine of them are 90 s.
        for (int w = 1; w < 10; w++)
        {
            Assert.False(warmUp.Warming(Window(WindowSignal.Spans, w, [0, 0, double.NaN, double.NaN, double.NaN])));
        }

        Assert.True(warmUp.Warming(Window(WindowSignal.Spans, 10)));
        Assert.True(warmUp.Warming(Window(WindowSignal.Spans, 15)));
        Assert.False(warmUp.Warming(Window(WindowSignal.Spans, 16)));
    }

    [Fact]
    public void ALogWindowWithOnlySpanStepsHasData()
    {
        var warmUp = new IdleWarmUp();
        Assert.False(warmUp.Warming(Window(WindowSignal.Logs, 0)));
        ClosedWindow steps = Window(WindowSignal.Logs, 10, [0, 0, 0, 0, 0, 0, 0]) with { Transitions = [new(5, 3)] };
        Assert.True(warmUp.Warming(steps));
    }

    // A window with data: one request a second, unless given other values.
    private static ClosedWindow Window(WindowSignal signal, int index, double[]? values = null) =>
        new(signal, T0 + (index * 10 * Second), T0 + ((index + 1) * 10 * Second), [], values ?? [1, 0, 10, 20, 30]);
}
