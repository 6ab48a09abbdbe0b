using OtlpGrains.Grains.Storage;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>The bounded in-memory store behind kept traces evicts the oldest entries and counts them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BoundedStoreTests(ClusterFixture fixture)
{
    [Fact]
    public async Task FullPartitionEvictsOldestFirstAndCountsIt()
    {
        var partition = fixture.Grains.GetGrain<IBoundedStorePartitionGrain>($"test-{Guid.NewGuid():N}/0");
        await partition.WriteAsync("a", [1], capacity: 2);
        await partition.WriteAsync("b", [2], capacity: 2);
        await partition.WriteAsync("a", [3], capacity: 2); // an overwrite takes no new room
        await partition.WriteAsync("c", [4], capacity: 2);

        Assert.Null(await partition.ReadAsync("a"));
        Assert.Equal([2], (await partition.ReadAsync("b"))!.Data);
        Assert.Equal([4], (await partition.ReadAsync("c"))!.Data);
        Assert.Equal((2, 1L), await partition.GetCountsAsync());

        // A cleared key frees its room without counting as an eviction.
        await partition.ClearAsync("b");
        await partition.WriteAsync("d", [5], capacity: 2);
        Assert.Equal([4], (await partition.ReadAsync("c"))!.Data);
        Assert.Equal((2, 1L), await partition.GetCountsAsync());
    }

    [Fact]
    public async Task EtagsChangeOnEveryWrite()
    {
        var partition = fixture.Grains.GetGrain<IBoundedStorePartitionGrain>($"test-{Guid.NewGuid():N}/0");
        var first = await partition.WriteAsync("k", [1], capacity: 4);
        var second = await partition.WriteAsync("k", [2], capacity: 4);
        Assert.NotEqual(first, second);
        Assert.Equal(second, (await partition.ReadAsync("k"))!.ETag);
    }
}
