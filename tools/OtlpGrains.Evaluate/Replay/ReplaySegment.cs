namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Part of a replay: a recorded folder, the event range taken from it, the offset added to its times, and, for a
/// recorded run, its minute files (null: the files that reach into the range) and where its metric readings end (null:
/// with the range; a run's take the scrape after it too, see <see cref="ReplayPlan"/>).
/// </summary>
internal sealed record ReplaySegment(
    string Label, NezhaSource Source, EventRange Range, long OffsetNanos, IReadOnlyList<NezhaMinute>? Minutes = null, long? MetricsToUnixNano = null)
{
    /// <summary>The range of its metric readings: its range, or further when its metrics end later.</summary>
    public EventRange Metrics => new(Range.FromUnixNano, Math.Max(Range.ToUnixNano, MetricsToUnixNano ?? Range.ToUnixNano));

    public long FirstShifted => Range.FromUnixNano + OffsetNanos;

    public long LastShifted => Metrics.ToUnixNano - 1 + OffsetNanos;
}
