using System.Text.Json;
using OtlpGrains.Agent.Metrics;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.Protocols;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>The RED metrics through the real gateway and ServiceGrain, read back with the query API.</summary>
public sealed class RedMetricsSiloTests
{
    [Fact]
    public async Task DeltaHistogramsAddUpPerWindowInTheServiceDetail()
    {
        await using var silo = await LocalSilo.StartAsync();
        var red = new RedMetrics();
        var service = $"red-{Guid.NewGuid():N}"[..16];
        var process = new ProcessIdentity(4242, service, "shop", "shop", null, null);
        await using (var exporter = new OtlpMetricsExporter(red, silo.GrpcEndpoint, TimeSpan.FromHours(1)))
        {
            // Two exports (two deltas): 3 + 2 requests taking 10 ms each.
            for (var i = 0; i < 3; i++)
            {
                red.Record(process, Get(10));
            }

            await exporter.ExportAsync();
            red.Record(process, Get(10));
            red.Record(process, Get(10));
            await exporter.ExportAsync();
            Assert.Equal(2, exporter.Exported);
            Assert.Equal(0, exporter.Failed);
        }

        var detail = await silo.EventuallyAsync($"/api/v1/services/{service}", d => Count(d) == 5, allowNotFound: true);
        var metric = detail.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "http.server.request.duration");
        Assert.Equal("histogram", metric.GetProperty("type").GetString());
        Assert.Equal(5, Count(detail));
        Assert.Equal(0.05, metric.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("sum").GetDouble()), 9);
    }

    private static long Count(JsonElement detail) =>
        detail.TryGetProperty("metrics", out var metrics)
            ? metrics.EnumerateArray().Where(m => m.GetProperty("name").GetString() == "http.server.request.duration")
                .SelectMany(m => m.GetProperty("points").EnumerateArray()).Sum(p => p.GetProperty("count").GetInt64())
            : -1;

    private static ProtocolExchange Get(int ms) => new()
    {
        Kind = ProtocolKind.Http1,
        Role = ConnectionRole.Server,
        Method = "GET",
        Path = "/items/7",
        StatusCode = 200,
        RequestStartNs = 0,
        ResponseEndNs = ms * 1_000_000L,
    };
}
