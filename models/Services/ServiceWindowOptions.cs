namespace OtlpGrains.Models.Services;

/// <summary>How each service grain windows and bounds what it keeps.</summary>
public sealed class ServiceWindowOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "OtlpGrains:Services";

    /// <summary>Width of one window in seconds. Default: 10.</summary>
    public int BucketSeconds { get; set; } = 10;

    /// <summary>How far behind the newest event windows are kept, in seconds; a multiple of the bucket. Default: 3600.</summary>
    public int RetentionSeconds { get; set; } = 3600;

    /// <summary>How far behind the newest event an event may arrive and still land in its window, in seconds. Default: 300.</summary>
    public int AllowedLatenessSeconds { get; set; } = 300;

    /// <summary>
    /// How far a signal's watermark must pass a window's end before the window closes and its features go to the
    /// detectors, in seconds; between 0 and <see cref="AllowedLatenessSeconds"/>. Separate from the allowed lateness,
    /// which keeps governing where late data lands in the queryable windows, because detection must not wait minutes.
    /// Default: 10.
    /// </summary>
    public int CloseDelaySeconds { get; set; } = 10;

    /// <summary>
    /// How long a signal (spans, metric points or log records) of a service may send nothing, on the wall clock,
    /// before its windows close without waiting for a later event: up to and including the window of its last event,
    /// never beyond. A service that stops, or that exports metrics once a minute, has its last windows judged after
    /// this, instead of when (and if) its next data comes. Longer than an SDK's export interval for spans and logs
    /// (5 s by default) and an exporter's retries, so that a busy signal never idles. 0 turns it off. Default: 30.
    /// </summary>
    public int IdleCloseSeconds { get; set; } = 30;

    /// <summary>How far ahead of the wall clock an event time may be before it is refused, in seconds. Default: 300.</summary>
    public int MaxFutureSkewSeconds { get; set; } = 300;

    /// <summary>Distinct span names kept per service; further names count under <c>other</c>. Default: 100.</summary>
    public int MaxOperations { get; set; } = 100;

    /// <summary>Distinct callees kept per service; calls to further callees are refused and counted. Default: 200.</summary>
    public int MaxEdges { get; set; } = 200;

    /// <summary>Distinct metric names kept per service; points of further names are refused and counted. Default: 200.</summary>
    public int MaxMetricSeries { get; set; } = 200;

    /// <summary>Fewest spans of an operation in the lookback for its p99 to be reported. Default: 20.</summary>
    public int P99MinCount { get; set; } = 20;

    /// <summary>How far behind the newest event an operation's p99 looks, in seconds. Default: 300.</summary>
    public int P99LookbackSeconds { get; set; } = 300;

    /// <summary>
    /// With durable storage: how often a service checkpoints its state and log position, in seconds. A crash costs
    /// at most this much replay, never counts. Default: 5.
    /// </summary>
    public int CheckpointSeconds { get; set; } = 5;

    /// <summary>
    /// With durable storage: how long a batch stays in the log after a checkpoint included it, in seconds, so that a
    /// sender's late retry of it is still recognised. Default: 600.
    /// </summary>
    public int AppliedBatchRetentionSeconds { get; set; } = 600;
}
