namespace OtlpGrains.Interfaces;

/// <summary>
/// A kept trace, keyed by its 32-character hex trace id: what <see cref="ITraceShardGrain"/> stored when tail
/// sampling kept the trace. Traces in progress live in the shards, not here.
/// </summary>
[Alias("otlpgrains.ITraceGrain")]
public interface ITraceGrain : IGrainWithStringKey
{
    /// <summary>The assembled trace if it was kept; null otherwise (not kept, or not complete yet).</summary>
    [Alias("GetKept")]
    ValueTask<TraceView?> GetKeptAsync();
}
