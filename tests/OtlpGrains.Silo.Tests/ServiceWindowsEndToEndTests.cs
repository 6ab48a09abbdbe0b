using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenTelemetry.Exporter;
using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary><c>GET /api/v1/services/{name}/windows</c>: the span windows in mergeable form, through the real silo.</summary>
[Collection(SiloCollection.Name)]
public sealed class ServiceWindowsEndToEndTests(SiloFixture silo)
{
    private const int Traces = 30;

    [Fact]
    public async Task WindowsAddUpToTheServiceAndCarryMergeableHistograms()
    {
        var scenario = new CheckoutScenario($"win-{Guid.NewGuid():N}"[..16], Traces);
        scenario.Run(OtlpExportProtocol.Grpc, silo.GrpcEndpoint);
        await SiloFixture.EventuallyAsync(() => silo.ServiceAsync(scenario.Frontend), s => s?.GetProperty("requests").GetInt64() == Traces);

        var body = await silo.Api.GetFromJsonAsync<JsonElement>($"/api/v1/services/{scenario.Frontend}/windows");

        Assert.Equal(scenario.Frontend, body.GetProperty("name").GetString());
        var windows = body.GetProperty("windows").EnumerateArray().ToArray();
        Assert.NotEmpty(windows);
        Assert.Equal(Traces, windows.Sum(w => w.GetProperty("requests").GetInt64()));
        Assert.Equal(2 * Traces, windows.Sum(w => w.GetProperty("spans").GetInt64()));
        foreach (var window in windows)
        {
            var latency = window.GetProperty("latency");
            Assert.Equal(HistogramSnapshot.Gamma, latency.GetProperty("gamma").GetDouble());
            var buckets = latency.GetProperty("counts").EnumerateArray().Sum(c => c.GetInt64());
            Assert.Equal(latency.GetProperty("count").GetInt64(), buckets + latency.GetProperty("zeroCount").GetInt64());
            Assert.Equal(window.GetProperty("requests").GetInt64(), latency.GetProperty("count").GetInt64());
        }

        var operations = windows.SelectMany(w => w.GetProperty("operations").EnumerateArray()).ToArray();
        Assert.Equal(Traces, operations.Where(o => o.GetProperty("name").GetString() == "GET /checkout").Sum(o => o.GetProperty("requests").GetInt64()));

        // The range is validated like the detail's, and an unknown service is a 404.
        var bad = await silo.Api.GetAsync($"/api/v1/services/{scenario.Frontend}/windows?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var unknown = await silo.Api.GetAsync($"/api/v1/services/nobody-{Guid.NewGuid():N}/windows");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
