namespace OtlpGrains.Models.Statistics;

/// <summary>What <see cref="EventTimeWindows{TBucket}"/> did with an event.</summary>
public enum WindowPlacement
{
    /// <summary>The event went into the bucket of its event time.</summary>
    Placed = 0,

    /// <summary>Older than the watermark minus the allowed lateness: its bucket may already be gone or reported.</summary>
    Late = 1,

    /// <summary>Too far ahead of the wall clock: accepting it would jump the watermark and evict good data.</summary>
    Future = 2,
}
