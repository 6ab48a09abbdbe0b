namespace OtlpGrains.Models.Statistics;

/// <summary>One bucket of <see cref="EventTimeWindows{TBucket}"/> with its [start, end) in unix nanoseconds.</summary>
public readonly record struct TimeWindow<TBucket>(long StartUnixNano, long EndUnixNano, TBucket Bucket)
{
    public DateTimeOffset Start => UnixNanos.ToDateTimeOffset(StartUnixNano);

    public DateTimeOffset End => UnixNanos.ToDateTimeOffset(EndUnixNano);
}
