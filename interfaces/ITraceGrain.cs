namespace OtlpGrains.Interfaces;

/// <summary>
/// One distributed trace, keyed by its 32-character hex trace id. Gathers spans across requests, completes after an
/// idle time, contributes edge calls, and keeps the trace when tail sampling says so.
/// </summary>
[Alias("otlpgrains.ITraceGrain")]
public interface ITraceGrain : IGrainWithStringKey
{
    /// <summary>Adds spans of this trace that arrived in one OTLP request.</summary>
    [Alias("AddSpans")]
    ValueTask AddSpansAsync(TraceSpanBatch batch);

    /// <summary>
    /// Marks the trace as one with an error log record (severity ERROR or worse), which tail sampling keeps. A mark
    /// that arrives after the trace completed and was dropped cannot bring it back.
    /// </summary>
    [Alias("MarkErrorLog")]
    ValueTask MarkErrorLogAsync();

    /// <summary>The assembled trace if it was kept; null otherwise (not kept, or not complete yet).</summary>
    [Alias("GetKept")]
    ValueTask<TraceView?> GetKeptAsync();
}
