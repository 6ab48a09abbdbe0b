using System.Net.Http.Json;
using System.Text.Json;
using Xunit;
using static OtlpGrains.Silo.Tests.GraphJson;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// Envoy-shaped spans from Istio's sidecars and gateway, sent with the OpenTelemetry SDK to a real silo: services are
/// the workloads' canonical names, and each hop of the mesh is one edge between the right services.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class IstioMeshEndToEndTests(SiloFixture silo)
{
    private const int Traces = 30;

    [Fact]
    public async Task SidecarSpansMakeOneEdgePerHopBetweenCanonicalServices()
    {
        var mesh = new IstioMeshScenario($"mesh-{Guid.NewGuid():N}"[..13], Traces);
        mesh.Run(silo.GrpcEndpoint);
        int failures = Enumerable.Range(0, Traces).Count(IstioMeshScenario.RatingsFails);

        var graph = await SiloFixture.EventuallyAsync(
            () => silo.Api.GetFromJsonAsync<JsonElement>("/api/v1/graph"),
            g => Calls(g, mesh.Gateway, mesh.ProductPage) == Traces && Calls(g, mesh.ProductPage, mesh.Reviews) == Traces
                && Calls(g, mesh.Reviews, mesh.Ratings) == Traces);
        Assert.Equal(Traces, Calls(graph, mesh.Gateway, mesh.ProductPage));
        Assert.Equal(Traces, Calls(graph, mesh.ProductPage, mesh.Reviews));
        Assert.Equal(Traces, Calls(graph, mesh.Reviews, mesh.Ratings));
        Assert.Equal(failures, Edge(graph, mesh.Reviews, mesh.Ratings)!.Value.GetProperty("errors").GetInt64());

        // No edge to a virtual node, no self-edge through a sidecar, and no service under Istio's tracing name.
        var mine = graph.GetProperty("edges").EnumerateArray()
            .Where(e => e.GetProperty("client").GetString()!.StartsWith(mesh.Gateway[..13], StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, mine.Length);
        Assert.DoesNotContain(graph.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("name").GetString()!.EndsWith(".bookinfo", StringComparison.Ordinal));

        // Counted by default: productpage's requests are its sidecar's inbound spans; reviews has its sidecar's and its
        // application's server spans (OtlpGrains:Otlp:CountMeshProxyRequests=false would leave only the latter).
        var productPage = await SiloFixture.EventuallyAsync(() => silo.ServiceAsync(mesh.ProductPage), s => s?.GetProperty("spans").GetInt64() == 2 * Traces);
        Assert.Equal(Traces, productPage!.Value.GetProperty("requests").GetInt64());
        var reviews = await SiloFixture.EventuallyAsync(() => silo.ServiceAsync(mesh.Reviews), s => s?.GetProperty("spans").GetInt64() == 4 * Traces);
        Assert.Equal(2 * Traces, reviews!.Value.GetProperty("requests").GetInt64());
        var ratings = await SiloFixture.EventuallyAsync(() => silo.ServiceAsync(mesh.Ratings), s => s?.GetProperty("requests").GetInt64() == Traces);
        Assert.Equal(failures, ratings!.Value.GetProperty("errors").GetInt64());
    }

    private static long? Calls(JsonElement graph, string client, string server) => Edge(graph, client, server)?.GetProperty("calls").GetInt64();
}
