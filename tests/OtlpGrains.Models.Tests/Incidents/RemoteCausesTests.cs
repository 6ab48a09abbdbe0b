using OtlpGrains.Interfaces;
using OtlpGrains.Models.Incidents;
using Xunit;

namespace OtlpGrains.Models.Tests.Incidents;

public sealed class RemoteCausesTests
{
    private static readonly Evidence Uninstrumented = new("callees", "an uninstrumented dependency: nothing below it is seen", null, null);

    // The local ranking: the caller, anomalous, under the callee it sees only as a virtual node that started failing.
    private static readonly RootCause[] Local =
    [
        new("payments.us.svc", null, 2.0, [new("edge", "calls from frontend: errors 0% -> 30% (120 calls)", 40, 10), Uninstrumented]),
        new("frontend", null, 1.2, [new("anomaly", "errorRatio anomalous", 0.9, null)]),
    ];

    [Fact]
    public void APeersAnswerRenamesTheCauseToItsServiceInItsClusterAndAddsItsOwnEvidence()
    {
        var found = new RemoteServiceEvidence(true, "critical", 0.95, Evidence(errors: 36), [Incident("inc-1", "payments")]);

        RootCause[] ranked = RemoteCauses.Apply(Local, Answers(ClusterStatus.Ok, found));

        RootCause top = ranked[0];
        Assert.Equal(("us", "payments"), (top.Cluster, top.Service));
        Assert.Equal(2.0 + 0.95 + 0.25, top.Score, 6);
        Assert.DoesNotContain(Uninstrumented, top.Evidence);
        Assert.Contains(top.Evidence, e => e.Summary == "a service of cluster us, called here as payments.us.svc");
        Assert.Contains(top.Evidence, e => e.Kind == "anomaly" && e.Summary.StartsWith("in cluster us: critical", StringComparison.Ordinal));
        Assert.Contains(top.Evidence, e => e.Kind == "requests" && e.Summary.Contains("errors 0% -> 30%", StringComparison.Ordinal));
        Assert.Contains(top.Evidence, e => e.Summary == "cluster us's incident inc-1 ranks it first too");
        Assert.Null(ranked[1].Cluster);
    }

    [Fact]
    public void WhenThePeerRanksAServiceBelowFirstThatServiceBecomesTheTopCause()
    {
        var found = new RemoteServiceEvidence(true, "warning", 0.6, Evidence(errors: 36), [Incident("inc-2", "ledger")]);

        RootCause[] ranked = RemoteCauses.Apply(Local, Answers(ClusterStatus.Ok, found));

        Assert.Equal([("us", "ledger"), ("us", "payments"), (null, "frontend")], ranked.Select(c => (c.Cluster, c.Service)));
        Assert.Equal(ranked[1].Score + 0.25, ranked[0].Score, 6);
        Assert.Contains(ranked[0].Evidence, e => e.Summary.StartsWith("cluster us's incident inc-2 (with payments, ledger) ranks it first", StringComparison.Ordinal));
        Assert.Contains(ranked[1].Evidence, e => e.Summary == "cluster us's incident inc-2 ranks ledger first: the fault may sit below payments");
    }

    [Fact]
    public void APeerThatDidNotAnswerLeavesTheScoreAndSaysSo()
    {
        RootCause[] ranked = RemoteCauses.Apply(Local, Answers(ClusterStatus.Timeout, null, "DeadlineExceeded: no answer within 2 s"));

        Assert.Equal(("us", "payments", 2.0), (ranked[0].Cluster, ranked[0].Service, ranked[0].Score));
        Assert.Contains(ranked[0].Evidence, e => e.Summary == "cluster us did not answer (timeout: DeadlineExceeded: no answer within 2 s): only the calls from here show");
    }

    [Fact]
    public void AServiceThePeerHasNotSeenKeepsItsScore()
    {
        RootCause[] ranked = RemoteCauses.Apply(Local, Answers(ClusterStatus.Ok, new RemoteServiceEvidence(false, "ok", 0, null, [])));

        Assert.Equal(2.0, ranked[0].Score);
        Assert.Contains(ranked[0].Evidence, e => e.Summary == "cluster us has not seen payments: only the calls from here show");
    }

    [Fact]
    public void AnAnswerAboutAnotherNameChangesNothing()
    {
        RootCause[] ranked = RemoteCauses.Apply(Local, new Dictionary<string, RemoteEvidenceAnswer>());

        Assert.Equal(Local, ranked);
    }

    private static Dictionary<string, RemoteEvidenceAnswer> Answers(ClusterStatus status, RemoteServiceEvidence? evidence, string? detail = null) =>
        new() { ["payments.us.svc"] = new RemoteEvidenceAnswer(new RemoteNode("us", "payments"), status, detail, evidence) };

    private static ServiceEvidence Evidence(long errors) =>
        new("payments", new ShiftStats(120, errors, 40, 600, 0, 10), [], []);

    private static FederatedIncident Incident(string id, string top) =>
        new(id, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, ["payments", "ledger"], top, 2.5);
}
