using OtlpGrains.Models.Federation;
using Xunit;

namespace OtlpGrains.Models.Tests.Federation;

public sealed class PeerBackoffTests
{
    private static readonly PeerBackoff Backoff = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(300));

    [Fact]
    public void NoFailureWaitsThePlainInterval()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), Backoff.Delay(0, 0.9));
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(5, 160)]
    [InlineData(6, 300)]
    [InlineData(40, 300)]
    [InlineData(int.MaxValue, 300)]
    public void DelayDoublesPerFailureUpToTheCapWithHalfOfItJittered(int failures, double cappedSeconds)
    {
        Assert.Equal(cappedSeconds / 2, Backoff.Delay(failures, 0).TotalSeconds, 6);
        Assert.Equal(cappedSeconds * 0.75, Backoff.Delay(failures, 0.5).TotalSeconds, 6);
        Assert.True(Backoff.Delay(failures, 0.999999).TotalSeconds <= cappedSeconds);
    }

    [Fact]
    public void ACapBelowTheIntervalIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PeerBackoff(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)));
    }
}
