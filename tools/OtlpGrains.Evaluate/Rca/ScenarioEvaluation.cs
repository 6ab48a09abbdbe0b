using System.Text.Json;
using OtlpGrains.Evaluate.Simulation;
using OtlpGrains.Models.Evaluation.Rca;

namespace OtlpGrains.Evaluate.Rca;

/// <summary>
/// <c>eval-rca --scenario NAME|all</c>: sends each simulator scenario into a running cluster (each ending at the wall
/// clock when it starts; after its first 15 minutes, before any detector can judge, it waits until the service graph
/// shows the scenario's edges, as a deployed system's would long before), waits <c>--settle</c> seconds, reads <c>/api/v1/incidents</c> and scores each scenario on
/// the incidents that involve its services (scenarios share the cluster, not services), then all of them together.
/// Prints one <c>RCA sim-&lt;scenario&gt;</c> line per scenario and <c>RCA sim-total</c>.
/// </summary>
internal static class ScenarioEvaluation
{
    private static readonly TimeSpan GraphTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(SimulateOptions options, Uri api, TimeSpan settle, TextWriter output, TextWriter error, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };
        async Task UntilGraphAsync(Models.Simulation.Scenario scenario, CancellationToken token)
        {
            bool complete = await ServiceGraphWait.UntilEdgesAsync(http, scenario.Topology, GraphTimeout, token);
            output.WriteLine(complete
                ? $"  the service graph shows all {ServiceGraphWait.EdgesOf(scenario.Topology).Count} edges; sending the rest"
                : $"  warning: the service graph still misses some of the {ServiceGraphWait.EdgesOf(scenario.Topology).Count} edges after {GraphTimeout.TotalSeconds:0} s; sending the rest");
        }

        (int exit, IReadOnlyList<ScenarioRun> runs) = await SimulateCommand.RunAsync(options, output, TimeProvider.System, ct, UntilGraphAsync);
        if (exit != 0)
        {
            error.WriteLine("warning: some items were not acknowledged; the scores below may suffer from it");
        }

        output.WriteLine($"settling {settle.TotalSeconds:0} s for the last windows to close");
        await Task.Delay(settle, ct);
        (RcaIncident Incident, string[] Services)[] incidents;
        try
        {
            incidents = await EvalRcaCommand.ReadIncidentsAsync(api, ct);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException)
        {
            error.WriteLine($"error: cannot read {api}api/v1/incidents: {e.Message.Split('\n')[0]}");
            return 1;
        }

        var outcomes = new List<RcaOutcome>();
        foreach (ScenarioRun run in runs)
        {
            string prefix = $"{options.RunId}{run.Scenario.Name}-";
            RcaIncident[] own = [.. incidents.Where(i => i.Services.Any(s => s.StartsWith(prefix, StringComparison.Ordinal))).Select(i => i.Incident)];
            RcaFault[] faults = [.. run.Faults.Select(f => new RcaFault(f.Fault.Service, f.Start, f.Fault.TypeName))];
            RcaResult result = RcaScorer.Score(faults, own);
            EvalRcaCommand.Print($"sim-{run.Scenario.Name}", result, output, error);
            outcomes.AddRange(result.Outcomes);
        }

        if (runs.Count > 1)
        {
            output.WriteLine(EvalRcaCommand.Line("sim-total", RcaScorer.Summarize(outcomes)));
        }

        return 0;
    }
}
