using Microsoft.Extensions.Options;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Traces;

namespace OtlpGrains.Grains.Traces;

/// <summary>
/// A kept trace, read from the kept-trace store where its shard (<see cref="TraceShardGrain"/>) put it, its parts
/// joined (spans that came after the trace completed are kept as later parts). Holds nothing between queries.
/// </summary>
internal sealed class TraceGrain(IKeptTraceStore store, IOptions<TraceOptions> options) : Grain, ITraceGrain
{
    public async ValueTask<TraceView?> GetKeptAsync()
    {
        var id = this.GetPrimaryKeyString();
        var view = TraceMerge.Join(id, await store.ReadPartsAsync(id), options.Value.MaxSpans);
        DeactivateOnIdle();
        return view;
    }
}
