using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

/// <summary>Records the halves the gateway hands to a join shard in the factory's <see cref="FakeGrainFactory.JoinShardCalls"/>.</summary>
internal sealed class FakeJoinShardGrain(FakeGrainFactory factory, long shard) : IJoinShardGrain
{
    public ValueTask AddHalvesAsync(JoinHalf[] halves)
    {
        Assert.All(halves, h => Assert.Equal(shard, JoinShards.Of(h.Key)));
        if (!factory.JoinShardCalls.TryGetValue(shard, out var calls))
        {
            calls = [];
            factory.JoinShardCalls.Add(shard, calls);
        }

        calls.Add(halves);
        return factory.Call();
    }
}
