using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Traces;

/// <summary>
/// Where the trace shards put the traces tail sampling keeps, and where <see cref="TraceGrain"/> reads them: bounded
/// in memory (<see cref="MemoryKeptTraceStore"/>, the single-node default) or in PostgreSQL (durable mode).
/// </summary>
public interface IKeptTraceStore
{
    /// <summary>
    /// Whether keeping a trace makes a grain call. A silo that stops with no peer left cannot make one, so its shards
    /// then count what they drain as not stored instead of failing a call per trace.
    /// </summary>
    bool NeedsGrains { get; }

    /// <summary>
    /// Keeps a trace's view unless the trace is kept already: spans that straggle in after a completion make a new
    /// trace in progress holding only them, and the view kept by the first completion is the fuller one. The store may
    /// write the view after this returns (off the shard's turn), but <see cref="ReadAsync"/> sees it at once.
    /// </summary>
    /// <exception cref="KeptTraceStoreFullException">The store holds as many unwritten traces as it may.</exception>
    ValueTask KeepAsync(string traceId, TraceView view);

    /// <summary>The kept view of a trace, or null if it was not kept (or is pruned or evicted by now).</summary>
    ValueTask<TraceView?> ReadAsync(string traceId);
}

/// <summary>A kept trace refused because the store's backlog of unwritten traces is full (its database is slow or away).</summary>
public sealed class KeptTraceStoreFullException(string message) : Exception(message);
