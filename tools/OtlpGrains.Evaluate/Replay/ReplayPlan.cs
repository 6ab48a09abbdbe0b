namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// What a replay sends and with which time offsets: optionally the fault-free history first, moved to end one second
/// before the replayed range, then the range itself (with <c>--close-gaps</c>, its recorded runs, closer together); <c>--shift-to</c> moves everything by one more offset so that
/// the last event lands on the target (with <c>now</c> and a finite speed: the wall clock when the replay ends, so that
/// no event is ever ahead of the clock when it is sent; with <c>now</c> up to a minute before it, the shift being whole
/// minutes: <see cref="ShiftTarget.Aligned"/>).
/// </summary>
internal sealed record ReplayPlan(IReadOnlyList<ReplaySegment> Segments, double? Speed)
{
    private const long NanosPerSecond = 1_000_000_000;

    /// <summary>Nezha's metric files hold one reading per pod a minute.</summary>
    private const long ScrapeInterval = 60 * NanosPerSecond;

    public long FirstShifted => Segments[0].FirstShifted;

    public long LastShifted => Segments[^1].LastShifted;

    /// <summary>
    /// When a moment of the recorded fault day (such as a fault's injection) appears in the replayed event times:
    /// the evaluation matches incidents to faults through this.
    /// </summary>
    public DateTimeOffset SentTime(DateTimeOffset recorded)
    {
        // The fault segments come last; a moment in a cut gap goes with the segment before it.
        long at = EventRange.UnixNanos(recorded);
        ReplaySegment segment = Segments.LastOrDefault(s => s.Source == Segments[^1].Source && s.Range.FromUnixNano <= at)
            ?? Segments.First(s => s.Source == Segments[^1].Source);
        return recorded + TimeSpan.FromTicks(segment.OffsetNanos / 100);
    }

    /// <summary>
    /// The fault day's range as one segment; or, when gaps are closed, one segment per recorded run within the range,
    /// each moved earlier so that it starts at most <paramref name="closeGaps"/> after the one before ends.
    /// </summary>
    private static List<ReplaySegment> FaultSegments(NezhaSource faults, EventRange range, TimeSpan? closeGaps)
    {
        const string Label = "faults (rca_data)";
        if (closeGaps is not { } gap)
        {
            return [new ReplaySegment(Label, faults, range, 0)];
        }

        var runs = NezhaTimeline.Runs(faults)
            .Select(run => (run.Minutes, Recorded: run.Range, Range: new EventRange(
                Math.Max(run.Range.FromUnixNano, range.FromUnixNano), Math.Min(run.Range.ToUnixNano, range.ToUnixNano))))
            .Where(run => run.Range.FromUnixNano < run.Range.ToUnixNano)
            .ToList();
        if (runs.Count == 0)
        {
            throw new ReplayInputException("no recorded minutes in the replayed range");
        }

        long maxGap = gap.Ticks * 100, offset = 0;
        var segments = new List<ReplaySegment>(runs.Count);
        for (int i = 0; i < runs.Count; i++)
        {
            if (i > 0)
            {
                offset -= Math.Max(0, runs[i].Range.FromUnixNano - runs[i - 1].Range.ToUnixNano - maxGap);
            }

            long? next = i + 1 < runs.Count ? runs[i + 1].Range.FromUnixNano : null;
            segments.Add(new ReplaySegment(
                $"{Label} run {i + 1}/{runs.Count}", faults, runs[i].Range, offset, runs[i].Minutes, MetricsEnd(runs[i].Range, runs[i].Recorded, next, maxGap)));
        }

        return segments;
    }

    /// <summary>
    /// Where a run's metric readings end: one scrape interval after its last span or log line, so that each pod's
    /// reading after the run, which measures the run's last minute, is sent with it (cutting at the last span would
    /// drop that minute's CPU and memory). Not into the next run or the cut gap's end, and not past a range that
    /// ends the run early (<c>--to</c>).
    /// </summary>
    private static long MetricsEnd(EventRange run, EventRange recorded, long? nextRun, long maxGap)
    {
        if (run.ToUnixNano < recorded.ToUnixNano)
        {
            return run.ToUnixNano;
        }

        long end = run.ToUnixNano + Math.Min(ScrapeInterval, maxGap);
        return nextRun is { } next ? Math.Min(end, next) : end;
    }

    public static ReplayPlan Build(NezhaDataset dataset, ReplayOptions options, DateTimeOffset wallStart)
    {
        NezhaSource faults = dataset.Faults;
        EventRange extent = NezhaTimeline.Extent(faults);
        EventRange range = new(
            options.From is { } from ? EventRange.UnixNanos(new DateTimeOffset(faults.Day, from, TimeSpan.Zero)) : extent.FromUnixNano,
            options.To is { } to ? EventRange.UnixNanos(new DateTimeOffset(faults.Day, to, TimeSpan.Zero)) : extent.ToUnixNano);
        if (range.FromUnixNano >= range.ToUnixNano)
        {
            throw new ReplayInputException("the replayed range is empty");
        }

        List<ReplaySegment> faultSegments = FaultSegments(faults, range, options.CloseGaps);
        var segments = new List<ReplaySegment>();
        if (options.WithHistory)
        {
            NezhaSource history = dataset.History();
            EventRange historyRange = NezhaTimeline.Extent(history);
            long offset = faultSegments[0].Range.FromUnixNano - NanosPerSecond - (historyRange.ToUnixNano - 1);
            segments.Add(new ReplaySegment("history (construct_data)", history, historyRange, offset));
        }

        segments.AddRange(faultSegments);
        var plan = new ReplayPlan(segments, options.Speed);
        if (options.ShiftTo is not { } target)
        {
            return plan;
        }

        long end = target.At is { } at
            ? EventRange.UnixNanos(at)
            : EventRange.UnixNanos(wallStart) + (long)((plan.LastShifted - plan.FirstShifted) / (options.Speed ?? double.PositiveInfinity));
        long shift = target.Aligned(end - plan.LastShifted);
        return plan with { Segments = [.. segments.Select(s => s with { OffsetNanos = s.OffsetNanos + shift })] };
    }
}
