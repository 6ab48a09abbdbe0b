using System.Net.Http.Json;
using System.Text.Json;
using OtlpGrains.Evaluate.Simulation;
using OtlpGrains.Models.Simulation;
using Xunit;

namespace OtlpGrains.Silo.Tests.Simulation;

/// <summary>
/// Simulator scenarios sent through the real OTLP/gRPC port of a silo: each fault opens an incident whose first root
/// cause is the faulty service. The scenarios are shortened (18 minutes of warm-up, enough for the detectors' first
/// verdicts after 100 windows; faults of 2 minutes) and light (4 requests per second), and sent at full speed.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class SimulatedIncidentTests(SiloFixture silo)
{
    private static readonly ScenarioTiming Short = new(TimeSpan.FromMinutes(18), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(3));

    [Theory]
    [InlineData("slow-leaf")]
    [InlineData("erroring-middle-tier")]
    public async Task EachFaultOpensAnIncidentWithTheFaultyServiceRankedFirst(string name)
    {
        string runId = "t" + Guid.NewGuid().ToString("N")[..6] + "-";
        Scenario scenario = SimulationScenarios.Create(name, runId, new LoadProfile(4), Short, faults: 2);
        var options = new SimulateOptions { Scenarios = [name], Endpoint = silo.GrpcEndpoint, RunId = runId, Seed = 3 };
        var output = new StringWriter();

        (int exit, IReadOnlyList<ScenarioRun> runs) = await SimulateCommand.RunAsync([scenario], options, output, TimeProvider.System, CancellationToken.None);

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        ScenarioRun run = Assert.Single(runs);
        string prefix = runId + name + "-";
        JsonElement[] incidents = await SiloFixture.EventuallyAsync(
            () => IncidentsAsync(prefix),
            found => run.Faults.All(f => Matching(found, f.Start) is not null));
        string listing = string.Join('\n', incidents.Select(i => i.ToString()));
        foreach ((InjectedFault fault, DateTimeOffset start, _) in run.Faults)
        {
            JsonElement? incident = Matching(incidents, start);
            Assert.True(incident is not null, $"no incident within 5 minutes of the {fault.TypeName} fault on {fault.Service} at {start:HH:mm:ss}; incidents:\n{listing}");
            JsonElement causes = incident.Value.GetProperty("rootCauses");
            Assert.True(causes.GetArrayLength() > 0 && causes[0].GetProperty("service").GetString() == fault.Service,
                $"the {fault.TypeName} fault on {fault.Service} at {start:HH:mm:ss} is not ranked first:\n{incident.Value}");
            Assert.NotEmpty(causes[0].GetProperty("evidence").EnumerateArray());
        }
    }

    private async Task<JsonElement[]> IncidentsAsync(string prefix)
    {
        JsonElement all = await silo.Api.GetFromJsonAsync<JsonElement>("/api/v1/incidents");
        return [.. all.GetProperty("incidents").EnumerateArray()
            .Where(i => i.GetProperty("services").EnumerateArray().Any(s => s.GetProperty("name").GetString()!.StartsWith(prefix, StringComparison.Ordinal)))];
    }

    // The evaluation's rule: the first incident detected within 5 minutes after the injection.
    private static JsonElement? Matching(JsonElement[] incidents, DateTimeOffset injected) =>
        incidents
            .Select(i => (Incident: i, Detected: i.GetProperty("detectedAt").GetDateTimeOffset()))
            .Where(i => i.Detected >= injected && i.Detected <= injected.AddMinutes(5))
            .OrderBy(i => i.Detected)
            .Select(i => (JsonElement?)i.Incident)
            .FirstOrDefault();
}
