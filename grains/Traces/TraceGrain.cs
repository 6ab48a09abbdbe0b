using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Traces;

/// <summary>
/// A kept trace, read from the kept-trace store where its shard (<see cref="TraceShardGrain"/>) wrote it. Holds
/// nothing between queries.
/// </summary>
internal sealed class TraceGrain : Grain, ITraceGrain
{
    /// <summary>The name kept traces are stored under, with the <see cref="ITraceGrain"/> id of the trace.</summary>
    public const string StateName = "kept";

    public async ValueTask<TraceView?> GetKeptAsync()
    {
        var state = new GrainState<KeptTrace>(new KeptTrace());
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.KeptTraces);
        await storage.ReadStateAsync(StateName, GrainContext.GrainId, state);
        DeactivateOnIdle();
        return state.RecordExists ? state.State?.View : null;
    }
}
