using Microsoft.Extensions.Time.Testing;
using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Models.Tests.Services;

public sealed class IdleSignalsTests
{
    private const long Second = 1_000_000_000;

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    [Fact]
    public void ASignalIsIdleOnceNothingOfItArrivedForTheIdleTime()
    {
        var idle = new IdleSignals(TimeSpan.FromSeconds(30), _time);
        Assert.Empty(idle.Idle()); // every signal counts as arrived when made (after a restart, too)

        _time.Advance(TimeSpan.FromSeconds(20));
        idle.Arrived(WindowSignal.Spans);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([WindowSignal.Metrics], idle.Idle());

        _time.Advance(TimeSpan.FromSeconds(19));
        idle.Arrived(WindowSignal.Metrics);
        Assert.Empty(idle.Idle());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([WindowSignal.Spans, WindowSignal.Logs], idle.Idle());
    }

    [Fact]
    public void TheLogWindowsIdleOnlyOnceTheSpansWhoseStepsTheyCountDoToo()
    {
        var idle = new IdleSignals(TimeSpan.FromSeconds(30), _time);
        _time.Advance(TimeSpan.FromSeconds(20));
        idle.Arrived(WindowSignal.Spans);
        _time.Advance(TimeSpan.FromSeconds(15));

        // No line for 35 s, but a span 15 s ago: a late line may still come for the windows the steps have reached.
        Assert.Equal([WindowSignal.Metrics], idle.Idle());
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal([WindowSignal.Spans, WindowSignal.Metrics, WindowSignal.Logs], idle.Idle());
    }

    [Fact]
    public void ZeroTurnsIdlenessOff()
    {
        var idle = new IdleSignals(TimeSpan.Zero, _time);
        _time.Advance(TimeSpan.FromDays(1));
        Assert.Empty(idle.Idle());
    }

    [Fact]
    public void AnIdleCloseIsKnownAnIdleTimeAfterTheLastEventAndNeverBeforeTheWindowCouldClose()
    {
        var idle = new IdleSignals(TimeSpan.FromSeconds(30), _time);

        // The last event at 12 s, its window [10, 20) closing 5 s after its end: known at 42 s, as live.
        Assert.Equal(42 * Second, idle.DetectedAt(12 * Second, 20 * Second, 5 * Second));

        // With a close delay longer than the idle time, not before the window's end plus the delay.
        Assert.Equal(80 * Second, idle.DetectedAt(12 * Second, 20 * Second, 60 * Second));
        Assert.Equal(long.MaxValue, idle.DetectedAt(long.MaxValue - Second, long.MaxValue - Second, 5 * Second));
    }

    [Fact]
    public void AWindowABatchClosedIsKnownWhenTheIdleCloseWouldHaveClosedItLive()
    {
        var idle = new IdleSignals(TimeSpan.FromSeconds(30), _time);
        ClosedWindow window = Window(10);

        // A scrape at 12 s, the next at 72 s: live, the idle close judged [10, 20) at 42 s, before the next came.
        Assert.Equal(42 * Second, idle.KnownAt(window, 12 * Second, 72 * Second, 5 * Second));

        // The next batch within the idle time closes it, as without idleness.
        Assert.Equal(35 * Second, idle.KnownAt(window, 12 * Second, 35 * Second, 5 * Second));

        // Windows after the watermark before the batch were empty then: only the batch could close them.
        Assert.Equal(72 * Second, idle.KnownAt(Window(30), 12 * Second, 72 * Second, 5 * Second));

        // Nothing before the batch, or idleness off: the watermark after it.
        Assert.Equal(72 * Second, idle.KnownAt(window, null, 72 * Second, 5 * Second));
        Assert.Equal(72 * Second, new IdleSignals(TimeSpan.Zero, _time).KnownAt(window, 12 * Second, 72 * Second, 5 * Second));
    }

    private static ClosedWindow Window(long startSecond) =>
        new(WindowSignal.Metrics, startSecond * Second, (startSecond + 10) * Second, ["cpu"], [0.5]);
}
