using System.Net.Http.Json;
using System.Text.Json;
using OpenTelemetry.Exporter;
using OtlpGrains.Gateway.Hosting;
using OtlpGrains.Hosting;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// The gateway run on its own (<c>dotnet run --project gateway</c>) joins the silo's cluster as an Orleans client;
/// what it accepts is counted by the same grains the co-hosted gateway feeds.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class StandaloneGatewayTests(SiloFixture silo)
{
    [Fact]
    public async Task StandaloneGatewayFeedsTheClusterAndServesTheApi()
    {
        var ports = LoopbackPorts.Take(3);
        await using var gateway = GatewayApplication.Build(
        [
            $"--OtlpGrains:Otlp:GrpcPort={ports[0]}",
            $"--OtlpGrains:Otlp:HttpPort={ports[1]}",
            "--OtlpGrains:Otlp:ListenAddress=127.0.0.1",
            $"--OtlpGrains:Api:Port={ports[2]}",
            "--OtlpGrains:Api:ListenAddress=127.0.0.1",
            $"--OtlpGrains:Cluster:GatewayPort={silo.GatewayPort}",
            $"--OtlpGrains:Cluster:ClusterId={silo.ClusterId}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await gateway.StartAsync();

        var scenario = new CheckoutScenario($"gw-{Guid.NewGuid():N}"[..16], traces: 10);
        scenario.Run(OtlpExportProtocol.Grpc, new Uri($"http://127.0.0.1:{ports[0]}"));

        // The silo's own API sees what came in through the standalone gateway...
        var seen = await SiloFixture.EventuallyAsync(() => silo.ServiceAsync(scenario.Frontend), s => s?.GetProperty("requests").GetInt64() == 10);
        Assert.Equal(10, seen?.GetProperty("requests").GetInt64());

        // ...and so does the standalone gateway's API.
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[2]}") };
        var doc = await api.GetFromJsonAsync<JsonElement>("/api/v1/services");
        var cart = doc.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("name").GetString() == scenario.Cart);
        Assert.Equal(10, cart.GetProperty("requests").GetInt64());
        Assert.Equal("ready\n", await api.GetStringAsync("/readyz"));

        await gateway.StopAsync();
    }
}
