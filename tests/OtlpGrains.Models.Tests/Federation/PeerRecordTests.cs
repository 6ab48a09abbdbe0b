using OtlpGrains.Interfaces;
using OtlpGrains.Models.Federation;
using Xunit;

namespace OtlpGrains.Models.Tests.Federation;

public sealed class PeerRecordTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void ANewPeerIsDueAndUnavailableUntilItsFirstPullComesBack()
    {
        var peer = NewPeer();

        var state = peer.ToState();
        Assert.True(peer.IsDue(T0));
        Assert.Equal(ClusterStatus.Unavailable, state.Status);
        Assert.Equal(PeerRecord.NotReachedYet, state.LastError);
        Assert.Null(state.Latest);
    }

    [Fact]
    public void OnlyOnePullIsInFlightAtATime()
    {
        var peer = NewPeer();

        Assert.True(peer.TryBegin());
        Assert.False(peer.TryBegin());
        Assert.False(peer.IsDue(T0.AddHours(1)));
    }

    [Fact]
    public void FailuresCountUpBackOffAndKeepOneLineThenASuccessClearsThem()
    {
        var peer = NewPeer();
        peer.TryBegin();
        peer.Failed(ClusterStatus.Unavailable, "Unavailable: connection refused\n   at Some.Stack()", T0, 0);
        peer.TryBegin();
        peer.Failed(ClusterStatus.Timeout, "DeadlineExceeded", T0.AddSeconds(1), 0);

        var failing = peer.ToState();
        Assert.Equal(2, failing.ConsecutiveFailures);
        Assert.Equal(ClusterStatus.Timeout, failing.Status);
        Assert.Equal("DeadlineExceeded", failing.LastError);
        Assert.Equal(T0.AddSeconds(1 + 1), failing.NextAttempt); // two failures: 2 x 1 s, half of it jittered away at draw 0
        Assert.False(peer.IsDue(T0.AddSeconds(1.5)));
        Assert.True(peer.IsDue(T0.AddSeconds(2)));

        var summary = new ClusterSummary("b", T0, [new FederatedService("api", "ok", 0, 1, 0, 5)], []);
        peer.TryBegin();
        peer.Succeeded(summary, T0.AddSeconds(3));
        var ok = peer.ToState();
        Assert.Equal(ClusterStatus.Ok, ok.Status);
        Assert.Equal(0, ok.ConsecutiveFailures);
        Assert.Null(ok.LastError);
        Assert.Same(summary, ok.Latest);
        Assert.Equal(T0.AddSeconds(3), ok.LastSuccess);
    }

    [Fact]
    public void AFailureKeepsTheLastGoodSummaryButANewerOneReplacesIt()
    {
        var peer = NewPeer();
        var first = new ClusterSummary("b", T0, [], []);
        var second = new ClusterSummary("b", T0.AddSeconds(1), [], []);
        peer.TryBegin();
        peer.Succeeded(first, T0);
        peer.TryBegin();
        peer.Failed(ClusterStatus.Refused, "Unauthenticated: unknown API key", T0.AddSeconds(1), 0.5);

        Assert.Same(first, peer.ToState().Latest);
        Assert.Equal(T0, peer.ToState().LastSuccess);

        peer.TryBegin();
        peer.Succeeded(second, T0.AddSeconds(2));
        Assert.Same(second, peer.ToState().Latest);
    }

    [Fact]
    public void ALongErrorIsCutToOneShortLine()
    {
        var line = OneLine.Of(new string('x', 1000) + "\nsecond line");

        Assert.Equal(OneLine.MaxChars, line.Length);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void APeerThatSaysItChangedIsPulledAtOnceButNotSoonerThanTheSpacingAfterTheLastPull()
    {
        // Backoff interval 10 s: the next pull would be 10 s after a success.
        var peer = new PeerRecord("b", new PeerBackoff(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(80)));
        peer.TryBegin();
        peer.Succeeded(new ClusterSummary("b", T0, [], []), T0);
        Assert.False(peer.IsDue(T0.AddSeconds(5)));

        peer.PullSoon(T0.AddSeconds(5), TimeSpan.FromSeconds(1));
        Assert.True(peer.IsDue(T0.AddSeconds(5)));

        // Just pulled: a notice now waits for the spacing.
        peer.TryBegin();
        peer.Succeeded(new ClusterSummary("b", T0, [], []), T0.AddSeconds(6));
        peer.PullSoon(T0.AddSeconds(6.2), TimeSpan.FromSeconds(1));
        Assert.False(peer.IsDue(T0.AddSeconds(6.5)));
        Assert.True(peer.IsDue(T0.AddSeconds(7)));
    }

    [Fact]
    public void AFailingPeerThatSaysItChangedEndsItsBackoff()
    {
        var peer = NewPeer();
        for (var i = 0; i < 4; i++)
        {
            peer.TryBegin();
            peer.Failed(ClusterStatus.Unavailable, "refused", T0, 0);
        }

        Assert.False(peer.IsDue(T0.AddSeconds(1)));
        peer.PullSoon(T0.AddSeconds(1), TimeSpan.FromSeconds(1));

        Assert.True(peer.IsDue(T0.AddSeconds(1)));
    }

    private static PeerRecord NewPeer() => new("b", new PeerBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)));
}
