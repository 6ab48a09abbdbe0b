using System.Text.Json;
using OtlpGrains.Evaluate.Simulation;
using OtlpGrains.Models.Simulation;
using Xunit;

namespace OtlpGrains.Silo.Tests.Federation;

/// <summary>
/// A chain of five services spread over two clusters: its gateway sends to A, its four tiers to B. A fault in B (its
/// first tier fails 30% of its requests) reaches A only as errors on the gateway's calls to a service A never sees a
/// span of. A's incident must rank B's faulty service first, name cluster b, and carry evidence B gave about it.
/// </summary>
[Collection(FederatedClustersCollection.Name)]
public sealed class FederatedIncidentTests(FederatedClusters clusters)
{
    // The simulated-incident tests' timing: 25 minutes of warm-up (past the detectors' first verdicts), one fault.
    private static readonly ScenarioTiming Short = new(TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(3));

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task AFaultInBSeenByCallersInAIsRankedFirstByAsIncidentWithEvidenceFromB()
    {
        const string name = "erroring-middle-tier";
        string runId = "f" + Guid.NewGuid().ToString("N")[..6] + "-";
        Scenario scenario = SimulationScenarios.Create(name, runId, new LoadProfile(5), Short, faults: 1);
        string gateway = scenario.Topology.Services[0].Name;
        var options = new SimulateOptions
        {
            Scenarios = [name],
            Endpoint = clusters.A.OtlpGrpc,
            ApiKey = clusters.A.Secrets["collector"],
            RunId = runId,
            Seed = 3,
            Routes = [.. scenario.Topology.Services.Skip(1).Select(s => new SimulateRoute(s.Name[runId.Length..], clusters.B.OtlpGrpc, clusters.B.Secrets["collector"]))],
        };
        var output = new StringWriter();

        (int exit, IReadOnlyList<ScenarioRun> runs) = await SimulateCommand.RunAsync(
            [scenario], options, output, TimeProvider.System, CancellationToken.None,
            async (s, ct) => Assert.True(await RemoteEdgeAsync(gateway, s.Topology.Services[1].Name), $"A's federated graph has no edge from {gateway} to cluster b"));

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        (InjectedFault fault, DateTimeOffset start, _) = Assert.Single(Assert.Single(runs).Faults);
        JsonElement? incident = await IncidentAsync(gateway, start);
        Assert.True(incident is not null, $"A opened no incident within 5 minutes of the fault on {fault.Service} at {start:HH:mm:ss}:\n{output}");
        JsonElement top = incident.Value.GetProperty("rootCauses")[0];
        Assert.True(
            top.GetProperty("service").GetString() == fault.Service && top.GetProperty("cluster").GetString() == "b",
            $"the fault on {fault.Service} in b is not ranked first:\n{incident.Value}");
        string[] said = [.. top.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("summary").GetString()!)];
        Assert.Contains("a service of cluster b", said);
        // B's own evidence: its requests' errors over the incident, or its anomaly verdict.
        Assert.True(
            said.Any(s => s.StartsWith("its requests:", StringComparison.Ordinal) || s.StartsWith("in cluster b:", StringComparison.Ordinal)),
            $"no evidence from b in the top cause:\n{incident.Value}");
    }

    private async Task<bool> RemoteEdgeAsync(string client, string server)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var (status, body, _) = await clusters.A.GetAsync("/api/v1/federation/graph");
            if (status == 200 && body.GetProperty("edges").EnumerateArray().Any(e =>
                e.GetProperty("client").GetString() == client && e.GetProperty("server").GetString() == server && e.GetProperty("serverCluster").GetString() == "b"))
            {
                return true;
            }

            await Task.Delay(500);
        }

        return false;
    }

    // A's first incident with the gateway detected within 5 minutes after the injection (or a minute before it).
    private async Task<JsonElement?> IncidentAsync(string gateway, DateTimeOffset injected)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var (_, body, _) = await clusters.A.GetAsync("/api/v1/incidents");
            JsonElement? found = body.GetProperty("incidents").EnumerateArray()
                .Where(i => i.GetProperty("services").EnumerateArray().Any(s => s.GetProperty("name").GetString() == gateway))
                .Where(i => i.GetProperty("detectedAt").GetDateTimeOffset() is var at && at >= injected.AddMinutes(-1) && at <= injected.AddMinutes(5))
                .Select(i => (JsonElement?)i)
                .FirstOrDefault();
            if (found is { } incident && incident.GetProperty("rootCauses").GetArrayLength() > 0 && incident.GetProperty("rootCauses")[0].TryGetProperty("cluster", out var cluster) && cluster.ValueKind == JsonValueKind.String)
            {
                return incident;
            }

            if (DateTime.UtcNow > deadline)
            {
                return found;
            }

            await Task.Delay(1000);
        }
    }
}
