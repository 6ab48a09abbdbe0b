using Xunit;
using static OtlpGrains.Silo.Tests.Federation.FederationProbe;

namespace OtlpGrains.Silo.Tests.Federation;

/// <summary>Three clusters, a, b and c, each the others' peer.</summary>
public sealed class ThreeFederatedClusters : IAsyncLifetime
{
    public FederatedClusters Clusters { get; } = new(3, FederationTiming.Quick, isolated: null);

    public Task InitializeAsync() => Clusters.InitializeAsync();

    public Task DisposeAsync() => Clusters.DisposeAsync();
}

/// <summary>
/// Three clusters fed by the OpenTelemetry .NET SDK: the federated services of any one list all three clusters'
/// services, whole; a request that hops through all three comes back as one trace from any of them.
/// </summary>
public sealed class FederationThreeClusterTests(ThreeFederatedClusters three) : IClassFixture<ThreeFederatedClusters>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);

    private readonly FederatedClusters _clusters = three.Clusters;

    [Fact]
    public async Task FederatedServicesFromAnyOfThreeClustersListAllThree()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        foreach (var cluster in _clusters.All)
        {
            Export(cluster, $"fed3-{cluster.Name}-{id}");
        }

        foreach (var side in _clusters.All)
        {
            var answer = await EventuallyAsync(
                () => side.GetAsync("/api/v1/federation/services"),
                a => _clusters.All.All(c => ClusterOf(a.Body, $"fed3-{c.Name}-{id}") is not null) && !a.Body.GetProperty("partial").GetBoolean(),
                Bound);

            Assert.Equal(200, answer.Status);
            Assert.False(answer.Body.GetProperty("partial").GetBoolean(), answer.Body.ToString());
            Assert.Equal(["a:ok", "b:ok", "c:ok"], Statuses(answer.Body).Order(StringComparer.Ordinal));
            Assert.Equal(side.Name, Statuses(answer.Body)[0].Split(':')[0]);
            foreach (var cluster in _clusters.All)
            {
                Assert.Equal(cluster.Name, ClusterOf(answer.Body, $"fed3-{cluster.Name}-{id}"));
            }
        }
    }

    [Fact]
    public async Task ATraceThatHopsThroughThreeClustersIsReturnedWholeFromEachOfThem()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        string[] services = [$"fed3-front-{id}", $"fed3-mid-{id}", $"fed3-back-{id}"];
        var traceId = ExportHops(_clusters.All, services);

        foreach (var side in _clusters.All)
        {
            var answer = await EventuallyAsync(
                () => side.GetAsync($"/api/v1/traces/{traceId}?federated=true"),
                a => a.Status == 200 && a.Body.GetProperty("spans").GetArrayLength() == 5,
                Bound);

            Assert.Equal(200, answer.Status);
            Assert.False(answer.Body.GetProperty("partial").GetBoolean(), answer.Body.ToString());
            Assert.Equal(["a:ok", "b:ok", "c:ok"], Statuses(answer.Body).Order(StringComparer.Ordinal));
            var spans = answer.Body.GetProperty("spans").EnumerateArray().ToArray();
            Assert.Equal(
                [
                    ($"fed3-back-{id}", "SERVER", "c"),
                    ($"fed3-front-{id}", "CLIENT", "a"),
                    ($"fed3-front-{id}", "SERVER", "a"),
                    ($"fed3-mid-{id}", "CLIENT", "b"),
                    ($"fed3-mid-{id}", "SERVER", "b"),
                ],
                spans.Select(s => (s.GetProperty("service").GetString()!, s.GetProperty("kind").GetString()!, s.GetProperty("cluster").GetString()!)).Order());

            // Each server span's parent is the caller's client span, kept in another cluster.
            var byId = spans.ToDictionary(s => s.GetProperty("spanId").GetString()!);
            foreach (var server in spans.Where(s => s.GetProperty("kind").GetString() == "SERVER" && s.GetProperty("service").GetString() != services[0]))
            {
                var parent = byId[server.GetProperty("parentSpanId").GetString()!];
                Assert.Equal("CLIENT", parent.GetProperty("kind").GetString());
                Assert.NotEqual(server.GetProperty("cluster").GetString(), parent.GetProperty("cluster").GetString());
            }

            Assert.Equal(0, answer.Body.GetProperty("orphans").GetInt32());
            Assert.Equal(5, answer.Body.GetProperty("criticalPath").GetArrayLength());
        }

        // Without federated=true each cluster has only its own part.
        Assert.Equal(1, (await _clusters.All[2].GetAsync($"/api/v1/traces/{traceId}")).Body.GetProperty("spans").GetArrayLength());
    }
}
