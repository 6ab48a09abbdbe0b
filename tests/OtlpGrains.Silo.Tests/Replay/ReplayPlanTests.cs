using OtlpGrains.Evaluate.Replay;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests.Replay;

/// <summary>The time offsets of a replay: the history just before the replayed range, and the shift to the clock.</summary>
public sealed class ReplayPlanTests
{
    private const long Second = 1_000_000_000;

    private static readonly DateTimeOffset Wall = new(2026, 12, 4, 22, 0, 0, TimeSpan.Zero);

    [Fact]
    public void HistoryEndsOneSecondBeforeTheRange()
    {
        ReplayPlan plan = Build(["--from", "09:00", "--to", "09:10", "--with-history"]);

        Assert.Equal(2, plan.Segments.Count);
        ReplaySegment history = plan.Segments[0], faults = plan.Segments[1];
        Assert.Equal(0, faults.OffsetNanos);
        Assert.Equal(EventRange.UnixNanos(new DateTimeOffset(2023, 1, 29, 9, 0, 0, TimeSpan.Zero)), faults.FirstShifted);
        Assert.Equal(faults.FirstShifted - Second, history.LastShifted);
        Assert.True(history.FirstShifted < history.LastShifted);
    }

    [Fact]
    public void ShiftToNowAtMaxSpeedEndsAtTheStart()
    {
        ReplayPlan plan = Build(["--from", "09:00", "--to", "09:10", "--shift-to", "now"]);

        // The last event lands on the wall clock, or up to a minute before it: the shift is whole minutes, so every
        // replay cuts the data into the same windows.
        Assert.InRange(plan.LastShifted, EventRange.UnixNanos(Wall) - (60 * Second) + 1, EventRange.UnixNanos(Wall));
        Assert.Equal(0, plan.Segments[0].OffsetNanos % (60 * Second));
        Assert.Equal(10 * 60 * Second - 1, plan.LastShifted - plan.FirstShifted);
        DateTimeOffset end = plan.SentTime(new DateTimeOffset(2023, 1, 29, 9, 10, 0, TimeSpan.Zero));
        Assert.Equal((0, 0), (end.Second, end.Millisecond));
    }

    [Fact]
    public void ShiftToNowWithASpeedEndsWhenTheReplayDoesAndKeepsEveryEventBehindTheClock()
    {
        ReplayPlan plan = Build(["--from", "09:00", "--to", "09:10", "--with-history", "--shift-to", "now", "--speed", "60"]);

        long span = plan.LastShifted - plan.FirstShifted;
        Assert.InRange(plan.LastShifted, EventRange.UnixNanos(Wall) + (long)(span / 60d) - (60 * Second) + 1, EventRange.UnixNanos(Wall) + (long)(span / 60d));
        // An event is sent at Wall + (t - first) / speed; its shifted time t must not be later than that.
        foreach (long t in new[] { plan.FirstShifted, plan.Segments[1].FirstShifted, plan.LastShifted })
        {
            Assert.True(t <= EventRange.UnixNanos(Wall) + (long)((t - plan.FirstShifted) / 60d) + 1);
        }
    }

    [Fact]
    public void ClosedGapsKeepEveryRunAndMapFaultTimesIntoThem()
    {
        ReplayPlan plan = Build(["--close-gaps", "60"]);

        // The day has 28 runs of three recorded minutes, one per fault, with 1 to 112 silent minutes between them.
        Assert.Equal(28, plan.Segments.Count);
        for (int i = 1; i < plan.Segments.Count; i++)
        {
            ReplaySegment before = plan.Segments[i - 1], after = plan.Segments[i];
            Assert.True(before.Range.ToUnixNano <= after.Range.FromUnixNano, $"run {i} overlaps the one before");
            long pause = after.FirstShifted - (before.LastShifted + 1);
            Assert.InRange(pause, 0, 60 * Second);
        }

        // Three recorded minutes per run, and at most a minute between runs (the last run's metrics a minute more),
        // instead of the day's seven hours.
        Assert.InRange(plan.LastShifted - plan.FirstShifted, 28 * 3 * 60 * Second, ((28 * 4) + 1) * 60 * Second);
        var injected = new DateTimeOffset(2023, 1, 29, 8, 52, 6, TimeSpan.Zero);
        long sent = EventRange.UnixNanos(plan.SentTime(injected));
        Assert.InRange(sent, plan.Segments[1].FirstShifted, plan.Segments[1].LastShifted);
        // DateTimeOffset keeps 100 ns ticks.
        Assert.InRange(sent - (EventRange.UnixNanos(injected) + plan.Segments[1].OffsetNanos), -100, 100);
        Assert.True(plan.Segments[1].OffsetNanos < 0);
    }

    [Fact]
    public void ClosedGapsWithinARangeKeepOnlyItsRuns()
    {
        ReplayPlan plan = Build(["--from", "08:40", "--to", "09:01", "--close-gaps", "0"]);

        Assert.Equal(3, plan.Segments.Count);
        Assert.Equal(plan.Segments[0].LastShifted + 1, plan.Segments[1].FirstShifted);
    }

    [Fact]
    public void ClosedGapsLoseNoSpanOrLogLine()
    {
        // 08_52's files reach 110 s back, into what the names alone would call the gap.
        ReplayPlan open = Build(["--from", "08:40", "--to", "09:01"]);
        ReplayPlan closed = Build(["--from", "08:40", "--to", "09:01", "--close-gaps", "0"]);

        Assert.Equal(Count(open), Count(closed));
        Assert.True(Count(open).Spans > 30_000);

        static (int Spans, int Logs) Count(ReplayPlan plan)
        {
            var events = plan.Segments.SelectMany(s => NezhaTimeline.Events(s.Source, s.Range, null, s.Minutes)).ToList();
            return (events.Count(e => e.Item is ReplaySpan), events.Count(e => e.Item is NezhaLogLine));
        }
    }

    [Fact]
    public void ARunSendsTheMetricReadingsThatMeasureItsLastMinute()
    {
        ReplayPlan plan = Build(["--close-gaps", "120"]);

        // food's CPU fault (14:49:57): its run's last span is at 14:51:07, and the pod's next reading, at 14:51:10,
        // is the first at its CPU limit.
        var injected = new DateTimeOffset(2023, 1, 29, 14, 49, 57, TimeSpan.Zero);
        int index = plan.Segments.ToList().FindIndex(s => s.Range.Contains(EventRange.UnixNanos(injected)));
        ReplaySegment run = plan.Segments[index], next = plan.Segments[index + 1];
        Assert.Equal(run.Range.ToUnixNano + (60 * Second), run.Metrics.ToUnixNano);
        var after = NezhaTimeline.Events(run.Source, run.Range, null, run.Minutes, null, run.Metrics)
            .Where(e => e.TimeUnixNano >= run.Range.ToUnixNano)
            .Select(e => Assert.IsType<NezhaMetricRow>(e.Item))
            .ToList();
        NezhaMetricRow food = Assert.Single(after, r => r.Service == "ts-food-service");
        Assert.True(food.Values.Single(v => v.Name == "CpuUsage").Value > 499);

        // Still before the next run, in recorded and in sent time.
        Assert.True(run.Metrics.ToUnixNano <= next.Range.FromUnixNano);
        Assert.True(run.LastShifted < next.FirstShifted);
    }

    [Fact]
    public void ARangeThatCutsARunShortEndsItsMetricsThereToo()
    {
        ReplayPlan plan = Build(["--from", "08:40", "--to", "08:44", "--close-gaps", "120"]);

        ReplaySegment run = Assert.Single(plan.Segments);
        Assert.Equal(run.Range, run.Metrics);
    }

    private static ReplayPlan Build(string[] args)
    {
        string directory = SharedData.Directory("nezha-tt-2023-01-29");
        ReplayOptions options = ReplayOptions.Parse([directory, .. args], out string? error) ?? throw new ArgumentException(error);
        return ReplayPlan.Build(NezhaDataset.Open(directory), options, Wall);
    }
}
