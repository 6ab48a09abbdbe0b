namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// What a replay sends and with which time offsets: optionally the fault-free history first, moved to end one second
/// before the replayed range, then the range itself; <c>--shift-to</c> moves everything by one more offset so that
/// the last event lands on the target (with <c>now</c> and a finite speed: the wall clock when the replay ends, so that
/// no event is ever ahead of the clock when it is sent).
/// </summary>
internal sealed record ReplayPlan(IReadOnlyList<ReplaySegment> Segments, double? Speed)
{
    private const long NanosPerSecond = 1_000_000_000;

    public long FirstShifted => Segments[0].FirstShifted;

    public long LastShifted => Segments[^1].LastShifted;

    /// <summary>
    /// When a moment of the recorded fault day (such as a fault's injection) appears in the replayed event times:
    /// the evaluation matches incidents to faults through this.
    /// </summary>
    public DateTimeOffset SentTime(DateTimeOffset recorded) => recorded + TimeSpan.FromTicks(Segments[^1].OffsetNanos / 100);

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

        var segments = new List<ReplaySegment>();
        if (options.WithHistory)
        {
            NezhaSource history = dataset.History();
            EventRange historyRange = NezhaTimeline.Extent(history);
            long offset = range.FromUnixNano - NanosPerSecond - (historyRange.ToUnixNano - 1);
            segments.Add(new ReplaySegment("history (construct_data)", history, historyRange, offset));
        }

        segments.Add(new ReplaySegment("faults (rca_data)", faults, range, 0));
        var plan = new ReplayPlan(segments, options.Speed);
        if (options.ShiftTo is not { } target)
        {
            return plan;
        }

        long end = target.At is { } at
            ? EventRange.UnixNanos(at)
            : EventRange.UnixNanos(wallStart) + (long)((plan.LastShifted - plan.FirstShifted) / (options.Speed ?? double.PositiveInfinity));
        long shift = end - plan.LastShifted;
        return plan with { Segments = [.. segments.Select(s => s with { OffsetNanos = s.OffsetNanos + shift })] };
    }
}
