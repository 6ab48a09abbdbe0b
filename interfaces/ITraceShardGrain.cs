namespace OtlpGrains.Interfaces;

/// <summary>
/// The traces in progress whose ids fall in one shard (<see cref="TraceShards"/>), keyed by shard number. Gathers
/// their spans across requests; a trace completes after an idle time without spans, contributes edge calls, and is
/// stored when tail sampling keeps it (read back through <see cref="ITraceGrain"/>).
/// </summary>
[Alias("otlpgrains.ITraceShardGrain")]
public interface ITraceShardGrain : IGrainWithIntegerKey
{
    /// <summary>Adds the spans of this shard's traces that arrived in one OTLP request.</summary>
    [Alias("AddSpans")]
    ValueTask AddSpansAsync(TraceShardBatch batch);

    /// <summary>
    /// Marks traces as having an error log record (severity ERROR or worse), which tail sampling keeps. A mark that
    /// arrives after its trace completed and was dropped cannot bring it back.
    /// </summary>
    [Alias("MarkErrorLogs")]
    ValueTask MarkErrorLogsAsync(TraceKey[] traceIds);

    /// <summary>
    /// Completes every trace in progress now, whatever its idle time: called by the shard's own silo when it begins a
    /// graceful stop, while the grains the completion calls (services, the trace store) are still active.
    /// </summary>
    [Alias("Drain")]
    ValueTask DrainAsync();

    /// <summary>
    /// Joins server traces of this shard into the client traces their requests came from (a join shard found the
    /// pairs): each server trace's spans go to its client trace, the server span under the client span, and spans of
    /// it that arrive later follow. A server trace not here yet is moved when it comes.
    /// </summary>
    [Alias("MoveTraces")]
    ValueTask MoveTracesAsync(TraceMove[] moves);

    /// <summary>
    /// Takes the spans of traces moved into this shard's traces by <see cref="MoveTracesAsync"/> on another shard.
    /// A client trace that completed already cannot take them as its own: they are held as a later part and counted late.
    /// </summary>
    [Alias("AdoptSpans")]
    ValueTask AdoptSpansAsync(TraceShardBatch batch);
}
