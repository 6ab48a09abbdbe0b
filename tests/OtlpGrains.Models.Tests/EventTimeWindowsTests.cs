using OtlpGrains.Models.Statistics;
using Xunit;

namespace OtlpGrains.Models.Tests;

public sealed class EventTimeWindowsTests
{
    private const long Second = 1_000_000_000;

    // A multiple of the 10 s width, so T0 + n*10 s starts a bucket.
    private const long T0 = 1_700_000_000 * Second;

    // The wall clock is well ahead of the events unless a test says otherwise.
    private const long Now = T0 + (1_000 * Second);

    [Fact]
    public void EventsArePlacedByEventTimeNotArrivalOrder()
    {
        EventTimeWindows<Counter> windows = Create();

        Place(windows, T0 + (25 * Second));
        Place(windows, T0 + (5 * Second));
        Place(windows, T0 + (15 * Second));
        Place(windows, T0 + (7 * Second));

        TimeWindow<Counter>[] all = [.. windows.All()];
        Assert.Equal([T0, T0 + (10 * Second), T0 + (20 * Second)], all.Select(w => w.StartUnixNano));
        Assert.Equal([T0 + (10 * Second), T0 + (20 * Second), T0 + (30 * Second)], all.Select(w => w.EndUnixNano));
        Assert.Equal([2, 1, 1], all.Select(w => w.Bucket.Count));
        Assert.Equal(T0 + (25 * Second), windows.Watermark);
    }

    [Fact]
    public void LateEventWithinLatenessLandsInItsOldBucket()
    {
        EventTimeWindows<Counter> windows = Create();
        Place(windows, T0 + (12 * Second));
        Place(windows, T0 + (35 * Second));

        // 17 s behind the watermark, lateness is 20 s.
        Counter? bucket = windows.Place(T0 + (18 * Second), Now, out WindowPlacement placement);

        Assert.Equal(WindowPlacement.Placed, placement);
        Assert.NotNull(bucket);
        bucket.Count++;
        TimeWindow<Counter> old = Assert.Single(windows.Range(T0 + (10 * Second), T0 + (20 * Second)));
        Assert.Equal(2, old.Bucket.Count);
        Assert.Equal(T0 + (35 * Second), windows.Watermark);
    }

    [Fact]
    public void EventExactlyAtTheLatenessLimitIsPlaced()
    {
        EventTimeWindows<Counter> windows = Create();
        Place(windows, T0 + (40 * Second));

        Assert.NotNull(windows.Place(T0 + (20 * Second), Now, out WindowPlacement placement));
        Assert.Equal(WindowPlacement.Placed, placement);
    }

    [Fact]
    public void EventBeyondLatenessIsRefusedAsLate()
    {
        EventTimeWindows<Counter> windows = Create();
        Place(windows, T0 + (29 * Second));
        Place(windows, T0 + (50 * Second));

        Counter? bucket = windows.Place(T0 + (29 * Second) - 1, Now, out WindowPlacement placement);

        Assert.Null(bucket);
        Assert.Equal(WindowPlacement.Late, placement);
        TimeWindow<Counter> old = Assert.Single(windows.Range(T0 + (20 * Second), T0 + (30 * Second)));
        Assert.Equal(1, old.Bucket.Count);
        Assert.Equal(T0 + (50 * Second), windows.Watermark);
    }

    [Fact]
    public void EventTooFarAheadOfTheWallClockIsRefusedAsFuture()
    {
        EventTimeWindows<Counter> windows = Create();
        long now = T0 + (100 * Second);
        Place(windows, T0 + (90 * Second), now);

        Counter? refused = windows.Place(now + (30 * Second) + 1, now, out WindowPlacement refusedPlacement);
        Counter? accepted = windows.Place(now + (30 * Second), now, out WindowPlacement acceptedPlacement);

        Assert.Null(refused);
        Assert.Equal(WindowPlacement.Future, refusedPlacement);
        Assert.NotNull(accepted);
        Assert.Equal(WindowPlacement.Placed, acceptedPlacement);
        Assert.Equal(now + (30 * Second), windows.Watermark);
    }

    [Fact]
    public void FutureEventDoesNotMoveTheWatermark()
    {
        EventTimeWindows<Counter> windows = Create();
        Place(windows, T0 + (5 * Second));

        windows.Place(Now + (3_600 * Second), Now, out WindowPlacement placement);

        Assert.Equal(WindowPlacement.Future, placement);
        Assert.Equal(T0 + (5 * Second), windows.Watermark);
        Assert.Single(windows.All());
    }

    [Fact]
    public void WatermarkNeverGoesBack()
    {
        EventTimeWindows<Counter> windows = Create();
        Assert.Null(windows.Watermark);

        Place(windows, T0 + (50 * Second));
        Place(windows, T0 + (40 * Second));

        Assert.Equal(T0 + (50 * Second), windows.Watermark);
    }

    [Fact]
    public void BucketsAreEvictedOnceTheyEndAtOrBeforeWatermarkMinusRetention()
    {
        EventTimeWindows<Counter> windows = Create();
        Place(windows, T0 + (5 * Second));

        // Retention 60 s: the first bucket [T0, T0+10) ends after T0+65-60.
        Place(windows, T0 + (65 * Second));
        Assert.Equal(T0, windows.All().First().StartUnixNano);

        Place(windows, T0 + (70 * Second));
        Assert.Equal([T0 + (60 * Second), T0 + (70 * Second)], windows.All().Select(w => w.StartUnixNano));
    }

    [Fact]
    public void RingKeepsRetentionOverWidthCompleteBucketsPlusTheCurrentOne()
    {
        EventTimeWindows<Counter> windows = Create();
        for (long second = 5; second <= 205; second += 10)
        {
            Place(windows, T0 + (second * Second));
        }

        TimeWindow<Counter>[] all = [.. windows.All()];

        Assert.Equal(7, all.Length);
        Assert.Equal(T0 + (140 * Second), all[0].StartUnixNano);
        Assert.Equal(T0 + (200 * Second), all[^1].StartUnixNano);
        Assert.All(all, w => Assert.Equal(1, w.Bucket.Count));
    }

    [Fact]
    public void JumpFarAheadDropsEverythingOlder()
    {
        EventTimeWindows<Counter> windows = Create();
        Place(windows, T0 + (5 * Second));
        Place(windows, T0 + (15 * Second));

        Place(windows, T0 + (500 * Second));

        Assert.Equal(T0 + (500 * Second), Assert.Single(windows.All()).StartUnixNano);
    }

    [Fact]
    public void LastCompleteWindowIsTheBucketBeforeTheWatermarksBucket()
    {
        EventTimeWindows<Counter> windows = Create();
        Assert.False(windows.TryGetLastComplete(out _));

        Place(windows, T0 + (12 * Second));
        Place(windows, T0 + (13 * Second));
        Place(windows, T0 + (25 * Second));

        Assert.True(windows.TryGetLastComplete(out TimeWindow<Counter> last));
        Assert.Equal(T0 + (10 * Second), last.StartUnixNano);
        Assert.Equal(T0 + (20 * Second), last.EndUnixNano);
        Assert.Equal(2, last.Bucket.Count);
    }

    [Fact]
    public void LastCompleteWindowWithoutEventsIsEmpty()
    {
        EventTimeWindows<Counter> windows = Create();
        Place(windows, T0 + (12 * Second));
        Place(windows, T0 + (45 * Second));

        Assert.True(windows.TryGetLastComplete(out TimeWindow<Counter> last));
        Assert.Equal(T0 + (30 * Second), last.StartUnixNano);
        Assert.Equal(0, last.Bucket.Count);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_030), last.Start);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_040), last.End);
    }

    [Fact]
    public void RangeReturnsOverlappingBucketsInTimeOrder()
    {
        EventTimeWindows<Counter> windows = Create();
        foreach (long second in new long[] { 25, 5, 15, 45, 35 })
        {
            Place(windows, T0 + (second * Second));
        }

        // [15, 30) overlaps [10, 20) and [20, 30) but not [30, 40).
        long[] starts = [.. windows.Range(T0 + (15 * Second), T0 + (30 * Second)).Select(w => w.StartUnixNano)];

        Assert.Equal([T0 + (10 * Second), T0 + (20 * Second)], starts);
        Assert.Empty(windows.Range(T0 + (30 * Second), T0 + (30 * Second)));
        Assert.Empty(windows.Range(T0 + (40 * Second), T0 + (30 * Second)));
        Assert.Equal(5, windows.Range(long.MinValue, long.MaxValue).Count());
    }

    [Fact]
    public void RangeSkipsBucketsWithoutEvents()
    {
        EventTimeWindows<Counter> windows = Create();
        Place(windows, T0 + (5 * Second));
        Place(windows, T0 + (35 * Second));

        long[] starts = [.. windows.All().Select(w => w.StartUnixNano)];

        Assert.Equal([T0, T0 + (30 * Second)], starts);
    }

    [Fact]
    public void RetentionMustBeAWholeNumberOfBuckets() =>
        Assert.Throws<ArgumentException>(() => new EventTimeWindows<Counter>(
            TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(65), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30)));

    [Fact]
    public void LatenessMustNotExceedRetention() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventTimeWindows<Counter>(
            TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(70), TimeSpan.FromSeconds(30)));

    private static EventTimeWindows<Counter> Create() => new(
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));

    private static void Place(EventTimeWindows<Counter> windows, long eventUnixNano, long now = Now)
    {
        Counter? bucket = windows.Place(eventUnixNano, now, out WindowPlacement placement);
        Assert.Equal(WindowPlacement.Placed, placement);
        Assert.NotNull(bucket);
        bucket.Count++;
    }

    private sealed class Counter
    {
        public int Count { get; set; }
    }
}
