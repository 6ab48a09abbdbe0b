using System.Net.Http.Json;
using System.Text.Json;
using OtlpGrains.Models.Simulation;

namespace OtlpGrains.Evaluate.Simulation;

/// <summary>
/// Waits until a cluster's service graph (<c>/api/v1/graph</c>) shows every call edge of a scenario's topology. The
/// edges come from traces, which complete after some wall-clock idleness, while detectors judge windows as fast as
/// event time goes: sent at full speed, a scenario could raise anomalies before its graph exists, which a deployed
/// system, whose traces complete long before its detectors' first verdicts, never does.
/// </summary>
internal static class ServiceGraphWait
{
    /// <summary>The (client, server) pairs the topology's calls make: to services, databases, and queue consumers.</summary>
    public static IReadOnlySet<(string Client, string Server)> EdgesOf(Topology topology) =>
        topology.Services
            .SelectMany(s => s.Operations.SelectMany(o => o.Calls).Select(c => (s.Name, c.Kind switch
            {
                CallTarget.Queue => topology.Queue(c.Target).ConsumerService,
                _ => c.Target,
            })))
            .ToHashSet();

    /// <summary>True once every edge is in the graph; false when <paramref name="timeout"/> passed first.</summary>
    public static async Task<bool> UntilEdgesAsync(HttpClient api, Topology topology, TimeSpan timeout, CancellationToken ct)
    {
        IReadOnlySet<(string Client, string Server)> wanted = EdgesOf(topology);
        DateTimeOffset deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            using JsonDocument graph = await api.GetFromJsonAsync<JsonDocument>("api/v1/graph", ct) ?? throw new JsonException("empty answer");
            int found = graph.RootElement.GetProperty("edges").EnumerateArray()
                .Select(e => (e.GetProperty("client").GetString()!, e.GetProperty("server").GetString()!))
                .Count(wanted.Contains);
            if (found >= wanted.Count)
            {
                return true;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
    }
}
