using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Traces;

/// <summary>
/// A kept trace, read from the kept-trace store where its shard (<see cref="TraceShardGrain"/>) put it. Holds
/// nothing between queries.
/// </summary>
internal sealed class TraceGrain(IKeptTraceStore store) : Grain, ITraceGrain
{
    public async ValueTask<TraceView?> GetKeptAsync()
    {
        var view = await store.ReadAsync(this.GetPrimaryKeyString());
        DeactivateOnIdle();
        return view;
    }
}
