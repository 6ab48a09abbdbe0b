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
}
