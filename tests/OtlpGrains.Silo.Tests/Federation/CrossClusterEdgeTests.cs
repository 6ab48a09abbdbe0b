using System.Diagnostics;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Trace;
using OtlpGrains.Federation.V1;
using Xunit;

namespace OtlpGrains.Silo.Tests.Federation;

/// <summary>
/// A service in cluster A calls two services whose spans go to cluster B, one named by <c>peer.service</c> and one by
/// a Kubernetes-style <c>server.address</c> only: A's graph has virtual nodes for both, which A recognises from B's
/// service list as B's services. The federated graph from either side draws the two calls as edges from A's service
/// to B's, and A's summary to its peers carries them.
/// </summary>
[Collection(FederatedClustersCollection.Name)]
public sealed class CrossClusterEdgeTests(FederatedClusters clusters)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task CallsToAPeersServicesAreEdgesToThatClustersNodesFromEitherSide()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        string front = $"edge-front-{id}", pay = $"edge-pay-{id}", ledger = $"edge-ledger-{id}";
        FederationProbe.ExportCalls(clusters.A, clusters.B, front, (pay, "peer.service", pay), (ledger, "server.address", $"{ledger}.b.svc.cluster.local"));

        foreach (var side in new[] { clusters.A, clusters.B })
        {
            var graph = await EventuallyAsync(() => side.GetAsync("/api/v1/federation/graph"), g => Edge(g, front, pay) is not null && Edge(g, front, ledger) is not null);

            Assert.False(graph.GetProperty("partial").GetBoolean(), graph.ToString());
            foreach (var server in new[] { pay, ledger })
            {
                var edge = Edge(graph, front, server);
                Assert.True(edge is not null, $"no edge {front} -> {server} from {side.Name}:\n{graph}");
                Assert.Equal(("a", "b", true, false, 1L), (
                    edge.Value.GetProperty("clientCluster").GetString(),
                    edge.Value.GetProperty("serverCluster").GetString(),
                    edge.Value.GetProperty("remote").GetBoolean(),
                    edge.Value.GetProperty("virtual").GetBoolean(),
                    edge.Value.GetProperty("calls").GetInt64()));
            }

            // B's services are nodes of cluster b, and the names the calls used are no virtual nodes of a.
            var nodes = graph.GetProperty("nodes").EnumerateArray().Select(n => (n.GetProperty("cluster").GetString(), n.GetProperty("name").GetString(), n.GetProperty("virtual").GetBoolean())).ToArray();
            Assert.Contains(("b", pay, false), nodes);
            Assert.Contains(("b", ledger, false), nodes);
            Assert.DoesNotContain(nodes, n => n.Item1 == "a" && n.Item3 && (n.Item2 == pay || n.Item2!.StartsWith(ledger, StringComparison.Ordinal)));
        }

        // A's summary tells its peers about its calls into them.
        using var channel = GrpcChannel.ForAddress(clusters.A.OtlpGrpc);
        var client = new OtlpGrains.Federation.V1.Federation.FederationClient(channel);
        var summary = await client.GetSummaryAsync(new GetSummaryRequest(), new Metadata { { "authorization", "Bearer " + clusters.A.Secrets["peer"] } }, DateTime.UtcNow.AddSeconds(20));
        Assert.Contains(summary.RemoteEdges, e => e.Client == front && e.RemoteCluster == "b" && e.RemoteService == ledger && e.Server == $"{ledger}.b.svc.cluster.local");
    }

    private static JsonElement? Edge(JsonElement graph, string client, string server) =>
        graph.GetProperty("edges").EnumerateArray()
            .Where(e => e.GetProperty("client").GetString() == client && e.GetProperty("server").GetString() == server)
            .Select(e => (JsonElement?)e).FirstOrDefault();

    private static async Task<JsonElement> EventuallyAsync(Func<Task<(int Status, JsonElement Body, TimeSpan Took)>> read, Func<JsonElement, bool> check) =>
        (await FederationProbe.EventuallyAsync(read, a => a.Status == 200 && check(a.Body), Bound)).Body;
}
