using Xunit;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Tests;

/// <summary>Records what the gateway hands to a trace shard, per trace (by its hex id), in the factory's <see cref="FakeGrainFactory.Traces"/>.</summary>
internal sealed class FakeTraceShardGrain(FakeGrainFactory factory, long shard) : ITraceShardGrain
{
    public ValueTask AddSpansAsync(TraceShardBatch batch)
    {
        foreach (TraceSpanBatch trace in batch.Traces)
        {
            Assert.Equal(shard, TraceShards.Of(trace.TraceId));
            FakeTraceGrain recorded = factory.Trace(trace.TraceId.ToString());
            recorded.Batches.Add(trace);
            recorded.BatchIds.Add(batch.BatchId);
        }

        return factory.Call();
    }

    public ValueTask MarkErrorLogsAsync(TraceKey[] traceIds)
    {
        foreach (TraceKey traceId in traceIds)
        {
            Assert.Equal(shard, TraceShards.Of(traceId));
            factory.Trace(traceId.ToString()).ErrorLogMarks++;
        }

        return factory.Call();
    }

    // Trace shards move joined traces among themselves; the gateway never does.
    public ValueTask MoveTracesAsync(TraceMove[] moves) => throw new NotSupportedException("the gateway does not move traces");

    public ValueTask AdoptSpansAsync(TraceShardBatch batch) => throw new NotSupportedException("the gateway does not move traces");

    // Only the shard's own silo drains it, when it stops; the gateway never does.
    public ValueTask DrainAsync() => throw new NotSupportedException("the gateway does not drain trace shards");
}
