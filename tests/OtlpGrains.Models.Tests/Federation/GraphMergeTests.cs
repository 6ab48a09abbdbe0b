using OtlpGrains.Interfaces;
using OtlpGrains.Models.Federation;
using Xunit;

namespace OtlpGrains.Models.Tests.Federation;

public sealed class GraphMergeTests
{
    private static readonly LatencySummary Latency = new(1, 2, 3);

    [Fact]
    public void ACrossClusterEdgeEndsAtThePeersServiceNodeAndAPlainVirtualNodeStays()
    {
        var eu = new ClusterGraph("eu", ["frontend"],
        [
            new ClusterEdge("frontend", "payments.us.svc", true, 10, 2, Latency, new RemoteNode("us", "payments")),
            new ClusterEdge("frontend", "postgresql", true, 5, 0, Latency, null),
        ]);
        var us = new ClusterGraph("us", ["payments", "ledger"], [new ClusterEdge("payments", "ledger", false, 7, 0, Latency, null)]);

        var (nodes, edges) = GraphMerge.Merge([eu, us], (cluster, name) => cluster == "us" && name == "payments" ? "critical" : "ok");

        Assert.Equal(
            [new("eu", "frontend", false, "ok"), new("eu", "postgresql", true, null), new("us", "ledger", false, "ok"), new("us", "payments", false, "critical")],
            nodes);
        Assert.Equal(
            [
                new FederatedEdge("eu", "frontend", "us", "payments", false, true, 10, 2, Latency),
                new FederatedEdge("eu", "frontend", "eu", "postgresql", true, false, 5, 0, Latency),
                new FederatedEdge("us", "payments", "us", "ledger", false, false, 7, 0, Latency),
            ],
            edges);
    }

    [Fact]
    public void APeerThatDidNotAnswerStillHasTheRemoteNodeItsCallersName()
    {
        var eu = new ClusterGraph("eu", ["frontend"], [new ClusterEdge("frontend", "payments", true, 1, 0, Latency, new RemoteNode("us", "payments"))]);

        var (nodes, _) = GraphMerge.Merge([eu], (_, _) => null);

        Assert.Contains(new FederatedNode("us", "payments", false, null), nodes);
    }
}
