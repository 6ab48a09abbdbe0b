using System.Text.Json;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.Protocols;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>What the agent exports reaches a real gateway: services, requests and the database edge show up.</summary>
public sealed class OtlpSpanExporterTests
{
    [Fact]
    public async Task ExportedSpansShowUpInServicesAndGraph()
    {
        await using var silo = await LocalSilo.StartAsync();
        var service = $"agent-{Guid.NewGuid():N}"[..20];
        var process = new ProcessIdentity(4242, service, "shop", "shop --port 8080", null, null);
        var offset = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

        var exporter = new OtlpSpanExporter(new OtlpExportOptions { Endpoint = silo.GrpcEndpoint, FlushInterval = TimeSpan.FromMilliseconds(100) });
        await using (exporter)
        {
            for (var i = 0; i < 10; i++)
            {
                var server = SpanMapper.ToSpan(new ProtocolExchange
                {
                    Kind = ProtocolKind.Http1,
                    Role = ConnectionRole.Server,
                    RequestStartNs = i * 1_000_000L,
                    ResponseEndNs = (i * 1_000_000L) + 500_000,
                    Method = "GET",
                    Path = $"/items/{i}",
                    StatusCode = i == 0 ? 500 : 200,
                    IsError = i == 0,
                }, offset);
                var query = SpanMapper.ToSpan(new ProtocolExchange
                {
                    Kind = ProtocolKind.Postgres,
                    Role = ConnectionRole.Client,
                    RequestStartNs = (i * 1_000_000L) + 100_000,
                    ResponseEndNs = (i * 1_000_000L) + 300_000,
                    Operation = "SELECT",
                    Statement = "SELECT * FROM items WHERE id = $1",
                }, offset);

                // The database call is a child of the request, as the agent's correlation will make it.
                query.TraceId = server.TraceId;
                query.ParentSpanId = server.SpanId;
                Assert.True(exporter.Enqueue(process, server));
                Assert.True(exporter.Enqueue(process, query));
            }
        }

        Assert.Equal(20, exporter.Exported);
        Assert.Equal(0, exporter.Dropped + exporter.Failed);

        var services = await silo.EventuallyAsync("/api/v1/services", d => LocalSilo.Service(d, service) is { } s && s.GetProperty("requests").GetInt64() == 10);
        var seen = LocalSilo.Service(services, service);
        Assert.Equal(10, seen?.GetProperty("requests").GetInt64());
        Assert.Equal(1, seen?.GetProperty("errors").GetInt64());

        // Edge calls reach the service as each trace completes and the silo's edge buffer flushes: wait for all ten.
        var detail = await silo.EventuallyAsync($"/api/v1/services/{service}", d => d.GetProperty("downstream").GetArrayLength() == 1 && d.GetProperty("downstream")[0].GetProperty("calls").GetInt64() == 10);
        var edge = detail.GetProperty("downstream")[0];
        Assert.Equal("postgresql", edge.GetProperty("server").GetString());
        Assert.Equal(10, edge.GetProperty("calls").GetInt64());
        Assert.Contains(detail.GetProperty("operations").EnumerateArray(), o => o.GetProperty("name").GetString() == "GET /items/{id}");
    }
}
