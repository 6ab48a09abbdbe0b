using System.Text.Json.Nodes;
using Xunit;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// The Istio example in <c>deploy/istio</c> points the mesh's Envoys at the gateway the production overlay renders:
/// its Service's host and OTLP/HTTP port, with TLS where the gateway serves TLS, an ingest key header, and a provider
/// the Telemetry resource turns on.
/// </summary>
public sealed class IstioExampleTests
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root, "deploy", "istio");

    [Fact]
    public void ProviderPointsAtTheRenderedGatewayService()
    {
        var objects = Kustomize.Render(RepositoryPaths.Overlay("production"));
        var service = objects.Single(o => o.Kind == "Service" && o.Name == "otlpgrains-gateway");
        string host = $"{service.Name}.{(string)service.Json["metadata"]!["namespace"]!}.svc.cluster.local";
        int httpPort = (int)service.Json["spec"]!["ports"]!.AsArray().Single(p => (string?)p!["name"] == "otlp-http")!["port"]!;

        var provider = Provider();
        var otel = provider["opentelemetry"]!;
        Assert.Equal(host, (string?)otel["service"]);
        Assert.Equal(httpPort, (int?)otel["port"]);
        Assert.Equal("/v1/traces", (string?)otel["http"]?["path"]);
        var header = Assert.Single(otel["http"]!["headers"]!.AsArray());
        Assert.Equal("authorization", (string?)header!["name"]);
        Assert.StartsWith("Bearer ", (string?)header["value"], StringComparison.Ordinal);

        var rule = Load("destination-rule.yaml");
        Assert.Equal(host, (string?)rule["spec"]!["host"]);
        var portRule = Assert.Single(rule["spec"]!["trafficPolicy"]!["portLevelSettings"]!.AsArray())!;
        Assert.Equal(httpPort, (int?)portRule["port"]!["number"]);
        var gateway = new RenderedPod(objects, "Deployment", "otlpgrains-gateway", operatorSecrets: true);
        Assert.True(gateway.Environment().ContainsKey("OtlpGrains__Tls__CertificatePath"), "the rule originates TLS, so the production gateway must serve it");
        Assert.Equal("SIMPLE", (string?)portRule["tls"]!["mode"]);
    }

    [Fact]
    public void TelemetryTurnsOnTheProviderForEverySpan()
    {
        var telemetry = Load("telemetry.yaml");
        var tracing = Assert.Single(telemetry["spec"]!["tracing"]!.AsArray())!;

        Assert.Equal((string?)Provider()["name"], (string?)Assert.Single(tracing["providers"]!.AsArray())!["name"]);
        Assert.Equal(100, (int?)tracing["randomSamplingPercentage"]);
        Assert.Equal("istio-system", (string?)telemetry["metadata"]!["namespace"]);
    }

    private static JsonNode Provider() =>
        Assert.Single(Load("mesh-config.yaml")["spec"]!["meshConfig"]!["extensionProviders"]!.AsArray())!;

    private static JsonObject Load(string file) =>
        Assert.Single(RenderedObject.Split(File.ReadAllText(Path.Combine(Folder, file)))).Json;
}
