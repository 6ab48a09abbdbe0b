namespace OtlpGrains.Evaluate.Replay;

/// <summary>Part of a replay: a recorded folder, the event range taken from it, and the offset added to its times.</summary>
internal sealed record ReplaySegment(string Label, NezhaSource Source, EventRange Range, long OffsetNanos)
{
    public long FirstShifted => Range.FromUnixNano + OffsetNanos;

    public long LastShifted => Range.ToUnixNano - 1 + OffsetNanos;
}
