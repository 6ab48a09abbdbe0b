using Xunit;
using static OtlpGrains.Silo.Tests.GraphJson;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenTelemetry.Exporter;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// The OpenTelemetry .NET SDK exports over gRPC and over HTTP/protobuf to a real silo and gateway; the query API
/// then shows exact counts, percentiles within the histogram's bound, the edges and a kept error trace.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class OtlpSdkEndToEndTests(SiloFixture silo)
{
    private const int Traces = 40;

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task SdkTracesShowUpInServicesGraphAndTraces(OtlpExportProtocol protocol)
    {
        var scenario = new CheckoutScenario($"e2e-{protocol}-{Guid.NewGuid():N}"[..24], Traces);
        scenario.Run(protocol, protocol == OtlpExportProtocol.Grpc ? silo.GrpcEndpoint : silo.HttpEndpoint);

        // Totals: frontend has one request (the root) per trace; cart one SERVER span per trace.
        var frontend = await SiloFixture.EventuallyAsync(() => silo.ServiceAsync(scenario.Frontend), s => s?.GetProperty("spans").GetInt64() == 2 * Traces);
        Assert.NotNull(frontend);
        Assert.Equal(2 * Traces, frontend.Value.GetProperty("spans").GetInt64());
        Assert.Equal(Traces, frontend.Value.GetProperty("requests").GetInt64());
        Assert.Equal(Enumerable.Range(0, Traces).Count(CheckoutScenario.FrontendFails), frontend.Value.GetProperty("errors").GetInt64());

        var cart = await SiloFixture.EventuallyAsync(() => silo.ServiceAsync(scenario.Cart), s => s?.GetProperty("spans").GetInt64() == 2 * Traces);
        Assert.NotNull(cart);
        Assert.Equal(Traces, cart.Value.GetProperty("requests").GetInt64());
        Assert.Equal(Enumerable.Range(0, Traces).Count(CheckoutScenario.CartFails), cart.Value.GetProperty("errors").GetInt64());

        // Percentiles over everything retained, within the histogram's 2% bound of the exact values.
        var detail = await silo.Api.GetFromJsonAsync<JsonElement>($"/api/v1/services/{scenario.Frontend}");
        Assert.Equal(Traces, detail.GetProperty("requests").GetInt64());
        var roots = Enumerable.Range(0, Traces).Select(CheckoutScenario.RootMs).ToArray();
        var latency = detail.GetProperty("latencyMs");
        foreach (var (name, q) in new[] { ("p50", 0.50), ("p95", 0.95), ("p99", 0.99) })
        {
            var exact = CheckoutScenario.Quantile(roots, q);
            var seen = latency.GetProperty(name).GetDouble();
            Assert.InRange(seen, exact * 0.98, exact * 1.02);
        }

        var operations = detail.GetProperty("operations").EnumerateArray().ToArray();
        Assert.Contains(operations, o => o.GetProperty("name").GetString() == "GET /checkout" && o.GetProperty("requests").GetInt64() == Traces);

        // Edges: frontend -> cart paired across the two SDKs' exports, cart -> redis as a virtual node.
        var graph = await SiloFixture.EventuallyAsync(
            () => silo.Api.GetFromJsonAsync<JsonElement>("/api/v1/graph"),
            g => Edge(g, scenario.Frontend, scenario.Cart)?.GetProperty("calls").GetInt64() == Traces
                && Edge(g, scenario.Cart, "redis")?.GetProperty("calls").GetInt64() == Traces);
        var toCart = Edge(graph, scenario.Frontend, scenario.Cart);
        Assert.NotNull(toCart);
        Assert.Equal(Traces, toCart.Value.GetProperty("calls").GetInt64());
        Assert.Equal(Enumerable.Range(0, Traces).Count(CheckoutScenario.CartFails), toCart.Value.GetProperty("errors").GetInt64());
        var toRedis = Edge(graph, scenario.Cart, "redis");
        Assert.NotNull(toRedis);
        Assert.Equal(Traces, toRedis.Value.GetProperty("calls").GetInt64());
        Assert.Contains(graph.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("name").GetString() == "redis" && n.GetProperty("virtual").GetBoolean());

        // The error trace was kept; an ordinary fast trace was not.
        var errorTrace = scenario.TraceIds[0];
        var kept = await SiloFixture.EventuallyAsync(
            () => silo.Api.GetAsync($"/api/v1/traces/{errorTrace}"),
            r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        var trace = await kept.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(errorTrace, trace.GetProperty("traceId").GetString());
        var spans = trace.GetProperty("spans").EnumerateArray().ToArray();
        Assert.Equal(4, spans.Length);
        Assert.Equal(scenario.RootSpanIds[0], spans[0].GetProperty("spanId").GetString());
        Assert.Equal("ERROR", spans[0].GetProperty("status").GetString());
        Assert.Equal(scenario.RootSpanIds[0], trace.GetProperty("criticalPath")[0].GetString());
        var selfTime = trace.GetProperty("selfTimeMs");
        Assert.True(selfTime.TryGetProperty(scenario.Frontend, out var frontendSelf) && frontendSelf.GetDouble() > 0);
        Assert.True(selfTime.TryGetProperty(scenario.Cart, out _));

        var dropped = await silo.Api.GetAsync($"/api/v1/traces/{scenario.TraceIds[1]}");
        Assert.Equal(HttpStatusCode.NotFound, dropped.StatusCode);
    }
}
