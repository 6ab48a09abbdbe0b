using OtlpGrains.Interfaces;
using OtlpGrains.Models.Federation;
using Xunit;

namespace OtlpGrains.Models.Tests.Federation;

public sealed class FederatedSummariesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly ClusterSummary Local = new(
        "a",
        Now,
        [new FederatedService("checkout", "critical", 0.9, 10, 0.2, 120)],
        [new FederatedIncident("inc-a", Now.AddMinutes(-5), Now.AddMinutes(-4), ["checkout"], "checkout", 0.8)]);

    [Fact]
    public void EveryAnsweringClusterIsMergedWithItsNameAndTheAnswerIsFull()
    {
        var peer = Ok("b", new ClusterSummary("calls-itself-b", Now, [new FederatedService("payments", "ok", 0.1, 3, 0, 40)],
            [new FederatedIncident("inc-b", Now.AddMinutes(-1), Now, ["payments"], null, 0)]), Now.AddSeconds(-4));
        var view = new FederationView(Local, [peer], Now, TimeSpan.FromSeconds(22));

        var (partial, clusters) = FederatedSummaries.Answers(view);
        var services = FederatedSummaries.Services(view);
        var incidents = FederatedSummaries.Incidents(view);

        Assert.False(partial);
        Assert.Equal([("a", ClusterStatus.Ok), ("b", ClusterStatus.Ok)], clusters.Select(c => (c.Name, c.Status)));
        Assert.Equal(4, clusters[1].AgeSeconds);
        Assert.Equal([("a", "checkout"), ("b", "payments")], services.Select(s => (s.Cluster, s.Name)));
        Assert.Equal([("b", "inc-b"), ("a", "inc-a")], incidents.Select(i => (i.Cluster, i.Id)));
    }

    [Fact]
    public void APeerWhoseLastPullFailedAddsNothingAndMakesThePartialAnswerSayWhy()
    {
        var stale = new ClusterSummary("b", Now.AddMinutes(-1), [new FederatedService("payments", "ok", 0, 1, 0, 1)], []);
        var down = new PeerState("b", ClusterStatus.Timeout, stale, Now.AddMinutes(-1), "DeadlineExceeded: no answer in 2 s", 3, Now.AddSeconds(10));
        var never = new PeerState("c", ClusterStatus.Unavailable, null, null, PeerRecord.NotReachedYet, 0, null);
        var view = new FederationView(Local, [down, never], Now, TimeSpan.FromSeconds(22));

        var (partial, clusters) = FederatedSummaries.Answers(view);

        Assert.True(partial);
        Assert.Equal(ClusterStatus.Timeout, clusters[1].Status);
        Assert.Equal("DeadlineExceeded: no answer in 2 s", clusters[1].Detail);
        Assert.Equal(60, clusters[1].AgeSeconds);
        Assert.Equal(ClusterStatus.Unavailable, clusters[2].Status);
        Assert.Null(clusters[2].AgeSeconds);
        Assert.Equal(["a"], FederatedSummaries.Services(view).Select(s => s.Cluster));
    }

    [Fact]
    public void ACopyOlderThanTheStaleBoundIsATimeoutAndAddsNothing()
    {
        var old = Ok("b", new ClusterSummary("b", Now, [new FederatedService("payments", "ok", 0, 1, 0, 1)], []), Now.AddSeconds(-30));
        var view = new FederationView(Local, [old], Now, TimeSpan.FromSeconds(22));

        var (partial, clusters) = FederatedSummaries.Answers(view);

        Assert.True(partial);
        Assert.Equal(ClusterStatus.Timeout, clusters[1].Status);
        Assert.Equal("its summary is 30 s old: no pull came back since", clusters[1].Detail);
        Assert.Equal(["a"], FederatedSummaries.Services(view).Select(s => s.Cluster));
        Assert.Equal(["a"], FederatedSummaries.Incidents(view).Select(i => i.Cluster));
    }

    private static PeerState Ok(string name, ClusterSummary summary, DateTimeOffset at) =>
        new(name, ClusterStatus.Ok, summary, at, null, 0, at.AddSeconds(10));
}
