using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Models.Tests;

public sealed class WindowCloserTests
{
    private const long Second = 1_000_000_000;

    // Windows of 10 s close 5 s after their end; the ring holds 7 windows.
    private readonly WindowCloser _closer = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), 7);

    [Fact]
    public void AWindowClosesOnceTheWatermarkPassesItsEndPlusTheDelay()
    {
        _closer.Observe(0);

        Assert.Empty(Close(14 * Second)); // window 0 ends at 10 s: not before 15 s
        Assert.Null(_closer.LastClosedKey);
        Assert.Equal([0L], Close(15 * Second));
        Assert.Empty(Close(15 * Second));
        Assert.Empty(Close(24 * Second));
        Assert.Equal([1L], Close(25 * Second));
        Assert.Equal(1, _closer.LastClosedKey);
    }

    [Fact]
    public void WindowsTheRingNoLongerHoldsAreSkippedAndCounted()
    {
        _closer.Observe(0);
        Assert.Equal([0L], Close(15 * Second));

        // At 200 s the ring holds windows 14 to 20; windows 1 to 13 can no longer close.
        Assert.Equal([14L, 15L, 16L, 17L, 18L], Close(200 * Second));
        Assert.Equal(13, _closer.Skipped);
        Assert.Equal([19L], Close(205 * Second));
        Assert.Equal(13, _closer.Skipped);
    }

    [Fact]
    public void AnEarlierWindowSeenBeforeAnyCloseClosesFirst()
    {
        _closer.Observe(3);
        _closer.Observe(1); // out of order, but nothing has closed yet

        Assert.Equal([1L, 2L], Close(35 * Second));
    }

    [Fact]
    public void AWindowSeenAfterItClosedDoesNotCloseAgain()
    {
        _closer.Observe(2);
        Assert.Equal([2L], Close(35 * Second));

        _closer.Observe(2);
        _closer.Observe(1);

        Assert.Empty(Close(35 * Second));
        Assert.Equal([3L], Close(45 * Second));
    }

    [Fact]
    public void WindowsWithoutEventsBetweenClosedOnesCloseToo()
    {
        _closer.Observe(0);
        Assert.Equal([0L], Close(15 * Second));

        Assert.Equal([1L, 2L, 3L], Close(45 * Second));
    }

    [Fact]
    public void AfterALongSilenceOnlyRetainedWindowsClose()
    {
        _closer.Observe(0);
        Assert.Equal([0L], Close(15 * Second));

        // The watermark jumps to 1000 s: the ring holds windows 94-100, of which 94-98 have closed by 995 s.
        Assert.Equal([94L, 95L, 96L, 97L, 98L], Close(1_000 * Second));
        Assert.Equal(98, _closer.LastClosedKey);
    }

    [Fact]
    public void NothingClosesBeforeTheFirstEvent() => Assert.Empty(Close(1_000 * Second));

    [Fact]
    public void AnIdleSignalClosesThroughItsWatermarksWindowAndNoFurther()
    {
        _closer.Observe(0);
        Assert.Equal([0L], Close(15 * Second));
        _closer.Observe(3);

        // Watermark 32 s: windows 1 and 2 would close on it, window 3 (30-40 s) only at 45 s. Idle, it closes now too.
        Assert.True(_closer.HasOpenThrough(32 * Second));
        Assert.Equal([1L, 2L, 3L], CloseIdle(32 * Second));
        Assert.False(_closer.HasOpenThrough(32 * Second));
        Assert.Empty(CloseIdle(32 * Second));
        Assert.Equal(3, _closer.LastClosedKey);

        // The watermark's own window closed early does not close again once the watermark passes it.
        Assert.Empty(Close(45 * Second));
        Assert.Equal([4L], Close(55 * Second));
    }

    [Fact]
    public void NothingClosesOnIdlenessBeforeTheFirstEvent()
    {
        Assert.False(_closer.HasOpenThrough(1_000 * Second));
        Assert.Empty(CloseIdle(1_000 * Second));
    }

    private long[] CloseIdle(long watermark)
    {
        var keys = new List<long>();
        _closer.CloseIdle(watermark, keys);
        return [.. keys];
    }

    private long[] Close(long watermark)
    {
        var keys = new List<long>();
        _closer.Close(watermark, keys);
        return [.. keys];
    }
}
