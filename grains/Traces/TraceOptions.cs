namespace OtlpGrains.Grains.Traces;

/// <summary>How traces are assembled and which ones tail sampling keeps.</summary>
public sealed class TraceOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "OtlpGrains:Traces";

    /// <summary>
    /// A trace completes when no span of it arrived for this many seconds; fractions are allowed. Default: 5.
    /// </summary>
    public double IdleSeconds { get; set; } = 5;

    /// <summary>
    /// The most distinct spans one trace holds; spans beyond are cut and counted. Default: 10000.
    /// </summary>
    public int MaxSpans { get; set; } = 10_000;

    /// <summary>
    /// The most traces in progress a silo's trace shards hold together (each shard a 1/32 share); beyond it a shard
    /// completes its least recently touched trace early (counted), so memory holds under any load. At 8 spans a
    /// trace and 5 s idle, the default holds 250,000 spans/s. Default: 160000.
    /// </summary>
    public int MaxPendingTraces { get; set; } = 160_000;

    /// <summary>
    /// The share of traces, between 0 and 1, kept although they are neither errors nor slow. Default: 0.01.
    /// </summary>
    public double SampleProbability { get; set; } = 0.01;

    /// <summary>
    /// The most kept traces the trace store holds; the oldest are evicted (and counted) beyond it, so that tail
    /// sampling cannot grow memory or the database without bound. In memory the bound holds at every write; in
    /// PostgreSQL (durable mode) a periodic pruning brings the table back to it. Default: 10000.
    /// </summary>
    public int MaxKeptTraces { get; set; } = 10_000;

    /// <summary>
    /// Durable mode: kept traces older than this many hours are pruned from PostgreSQL (the in-memory store holds them
    /// until evicted by count or the silo stops); fractions are allowed. Default: 72 (three days).
    /// </summary>
    public double KeptTraceRetentionHours { get; set; } = 72;
}
