namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Part of a replay: a recorded folder, the event range taken from it, the offset added to its times, and, for a
/// recorded run, its minute files (null: the files that reach into the range).
/// </summary>
internal sealed record ReplaySegment(
    string Label, NezhaSource Source, EventRange Range, long OffsetNanos, IReadOnlyList<NezhaMinute>? Minutes = null)
{
    public long FirstShifted => Range.FromUnixNano + OffsetNanos;

    public long LastShifted => Range.ToUnixNano - 1 + OffsetNanos;
}
