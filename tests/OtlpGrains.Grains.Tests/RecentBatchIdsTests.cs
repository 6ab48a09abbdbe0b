using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Grains.Services;
using Xunit;

namespace OtlpGrains.Grains.Tests;

public sealed class RecentBatchIdsTests
{
    [Fact]
    public void RepeatedIdIsRefusedUntilItFallsOutOfTheWindow()
    {
        var recent = new RecentBatchIds();
        var first = Guid.NewGuid();
        Assert.True(recent.TryAdd(first));
        Assert.False(recent.TryAdd(first));

        for (var i = 0; i < RecentBatchIds.Capacity; i++)
        {
            Assert.True(recent.TryAdd(Guid.NewGuid()));
        }

        // Capacity newer ids pushed the first one out: it is accepted again.
        Assert.True(recent.TryAdd(first));
    }

    [Fact]
    public void ForgottenIdIsAcceptedAgain()
    {
        var recent = new RecentBatchIds();
        var id = Guid.NewGuid();
        Assert.True(recent.TryAdd(id));
        recent.Forget(id);
        Assert.True(recent.TryAdd(id));
    }

    [Fact]
    public void ARestoredCopyRefusesTheSameIdsAndForgetsWhatWasForgotten()
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var recent = new RecentBatchIds();
        Guid[] ids = [.. Enumerable.Range(0, 10).Select(_ => Guid.NewGuid())];
        Assert.All(ids, id => Assert.True(recent.TryAdd(id)));
        recent.Forget(ids[3]);

        RecentBatchIds copy = serializer.Deserialize<RecentBatchIds>(serializer.SerializeToArray(recent))!;

        Assert.All(ids.Where((_, i) => i != 3), id => Assert.False(copy.TryAdd(id)));
        Assert.True(copy.TryAdd(ids[3]));
    }
}
