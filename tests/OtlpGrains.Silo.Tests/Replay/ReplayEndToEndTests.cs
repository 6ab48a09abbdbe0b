using System.Net.Http.Json;
using System.Text.Json;
using OtlpGrains.Evaluate.Replay;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests.Replay;

/// <summary>Two minutes of the shipped Nezha day, replayed through the real OTLP/gRPC port of a silo.</summary>
[Collection(SiloCollection.Name)]
public sealed class ReplayEndToEndTests(SiloFixture silo)
{
    [Fact]
    public async Task ReplayedSliceShowsTrainTicketServicesEdgesAndLogTemplates()
    {
        var options = new ReplayOptions
        {
            Directory = SharedData.Directory("nezha-tt-2023-01-29"),
            Endpoint = silo.GrpcEndpoint,
            From = new TimeOnly(8, 42),
            To = new TimeOnly(8, 44),
            ShiftTo = new ShiftTarget((DateTimeOffset?)null),
        };
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = await ReplayCommand.RunAsync(options, output, error, TimeProvider.System, CancellationToken.None);

        Assert.True(exit == 0, $"exit {exit}: {error}\n{output}");
        Assert.Matches(@"traces: sent (\d+) spans in \d+ requests, acknowledged \1, rejected 0", output.ToString());
        Assert.Matches(@"logs: sent (\d+) records in \d+ requests, acknowledged \1, rejected 0", output.ToString());
        Assert.Matches(@"metrics: sent (\d+) points in \d+ requests, acknowledged \1, rejected 0", output.ToString());

        JsonElement? travel = await SiloFixture.EventuallyAsync(() => silo.ServiceAsync("ts-travel-service"), s => s is { } e && e.GetProperty("requests").GetInt64() > 0);
        Assert.True(travel is { } t && t.GetProperty("requests").GetInt64() > 0, "ts-travel-service has no requests");
        Assert.NotNull(await silo.ServiceAsync("ts-gateway-service"));
        // 46 pods' metric files and the front end's: every Train Ticket service shows up, with or without traces.
        JsonElement services = await silo.Api.GetFromJsonAsync<JsonElement>("/api/v1/services");
        Assert.True(
            services.GetProperty("services").EnumerateArray().Count(s => s.GetProperty("name").GetString()!.StartsWith("ts-", StringComparison.Ordinal)) >= 46,
            "fewer than 46 ts-* services listed");

        JsonElement graph = await SiloFixture.EventuallyAsync(
            () => silo.Api.GetFromJsonAsync<JsonElement>("/api/v1/graph"),
            g => GatewayEdges(g).Contains("ts-travel-service"));
        string[] callees = [.. GatewayEdges(graph)];
        Assert.Contains("ts-travel-service", callees);
        Assert.All(callees, callee => Assert.Matches("^ts-.+-service$", callee));

        JsonElement templates = await SiloFixture.EventuallyAsync(
            () => silo.Api.GetFromJsonAsync<JsonElement>("/api/v1/services/ts-travel-service/logs/templates"),
            d => d.GetProperty("templates").GetArrayLength() > 0);
        Assert.Contains(
            templates.GetProperty("templates").EnumerateArray(),
            template => template.GetProperty("template").GetString()!.Contains("TravelServiceImpl", StringComparison.Ordinal));
    }

    private static IEnumerable<string> GatewayEdges(JsonElement graph) =>
        graph.GetProperty("edges").EnumerateArray()
            .Where(e => e.GetProperty("client").GetString() == "ts-gateway-service" && !e.GetProperty("virtual").GetBoolean())
            .Select(e => e.GetProperty("server").GetString()!);
}
