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
    /// Keeps a view under <paramref name="traceId"/>, a trace id or the key of a later part of a trace
    /// (<c>{traceId}/{n}</c>, see <see cref="OtlpGrains.Models.Traces.KeptContinuations"/>), unless that key is kept
    /// already. The store may write the view after this returns (off the shard's turn), but <see cref="ReadAsync"/>
    /// and <see cref="ReadPartsAsync"/> see it at once.
    /// </summary>
    /// <exception cref="KeptTraceStoreFullException">The store holds as many unwritten traces as it may.</exception>
    ValueTask KeepAsync(string traceId, TraceView view);

    /// <summary>The view kept under one key, or null if there is none (or it is pruned or evicted by now).</summary>
    ValueTask<TraceView?> ReadAsync(string traceId);

    /// <summary>Every part kept of a trace, first part first; empty when none is kept.</summary>
    ValueTask<TraceView[]> ReadPartsAsync(string traceId);
}

/// <summary>A kept trace refused because the store's backlog of unwritten traces is full (its database is slow or away).</summary>
public sealed class KeptTraceStoreFullException(string message) : Exception(message);
