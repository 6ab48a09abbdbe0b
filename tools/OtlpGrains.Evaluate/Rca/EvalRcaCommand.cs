using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using OtlpGrains.Evaluate.Replay;
using OtlpGrains.Evaluate.Simulation;
using OtlpGrains.Models.Evaluation.Rca;

namespace OtlpGrains.Evaluate.Rca;

/// <summary>
/// <c>eval-rca &lt;nezha-dir&gt; [--api URL] [replay options]</c>: replays a recorded fault day into a running cluster,
/// or without <c>--api</c> into a single-node cluster it starts in-process (its times shifted to end now, unless
/// <c>--shift-to</c> says otherwise; by default with the fault-free history first, gaps between the recorded runs cut
/// to 120 s and 40 times real time: <see cref="Defaults"/>), waits <c>--settle</c> seconds for the last
/// windows and incidents, reads <c>/api/v1/incidents</c>, matches incidents to the day's faults
/// (<see cref="RcaScorer"/>), prints one line per fault on stderr, and then
/// <c>RCA &lt;dataset&gt; faults= detected= AC@1= AC@3= Avg@5= MTTD_median_s=</c>.
/// </summary>
internal static class EvalRcaCommand
{
    public const string Usage = "eval-rca <nezha-dir> [--api http://127.0.0.1:8080 --endpoint http://127.0.0.1:4317] [--settle SECONDS] [replay options; defaults --with-history --close-gaps 120 --speed 40]\n" +
        "       OtlpGrains.Evaluate eval-rca --scenario NAME|all [--api http://127.0.0.1:8080 --endpoint http://127.0.0.1:4317] [--settle SECONDS] [simulate options]";

    // A cluster completes a trace, and so its edges, seconds of wall-clock time after its last span: at 40 times real
    // time that is minutes of event time, within the lateness the windows allow (300 s); "max" would put the edges
    // hours behind. The recorded day's silences (up to 112 minutes) are cut so that it replays in about 4 minutes.
    private static readonly (string Option, string[] Value)[] Defaults = [("--with-history", []), ("--close-gaps", ["120"]), ("--speed", ["40"])];

    // How long before a listed injection an incident is still named as the fault's, without counting.
    private static readonly TimeSpan EarlyLead = TimeSpan.FromSeconds(60);

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var rest = new List<string>();
        Uri? api = null;
        // Past the services' idle close (OtlpGrains:Services:IdleCloseSeconds, 30 s, checked every 10 s): once the
        // replay ends, every signal goes idle and its last windows close then, as a deployed cluster's would.
        TimeSpan settle = TimeSpan.FromSeconds(60);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--api" && i + 1 < args.Length && Uri.TryCreate(args[i + 1], UriKind.Absolute, out Uri? parsed))
            {
                api = parsed;
                i++;
            }
            else if (args[i] == "--settle" && i + 1 < args.Length && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0)
            {
                settle = TimeSpan.FromSeconds(seconds);
                i++;
            }
            else if (args[i] is "--api" or "--settle")
            {
                return Evaluate.Usage.Fail(error, $"{args[i]} needs {(args[i] == "--api" ? "an absolute URL" : "a number of seconds")}");
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        if (rest.Contains("--scenario"))
        {
            SimulateOptions? simulate = SimulateOptions.Parse(rest, out string? simulateError);
            if (simulate is null)
            {
                return Evaluate.Usage.Fail(error, simulateError!);
            }

            // A fresh run id by default: scenarios that ran before in the same cluster keep their own services.
            simulate = rest.Contains("--run-id") ? simulate : simulate with { RunId = $"e{DateTimeOffset.UtcNow:HHmmss}-" };
            return RunScenariosAsync(simulate, api, settle, output, error, CancellationToken.None).GetAwaiter().GetResult();
        }

        foreach ((string option, string[] value) in Defaults)
        {
            if (!rest.Contains(option))
            {
                rest.AddRange([option, .. value]);
            }
        }

        ReplayOptions? options = ReplayOptions.Parse(rest, out string? usageError);
        if (options is null)
        {
            return Evaluate.Usage.Fail(error, usageError!);
        }

        options = options with { ShiftTo = options.ShiftTo ?? new ShiftTarget((DateTimeOffset?)null) };
        return RunAsync(options, api, settle, output, error, CancellationToken.None).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(ReplayOptions options, Uri? api, TimeSpan settle, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (api is not null)
        {
            return await EvaluateAsync(options, api, settle, output, error, ct);
        }

        output.WriteLine("starting a single-node cluster in-process (memory storage; pass --api and --endpoint to use a running one)");
        await using InProcessCluster cluster = await InProcessCluster.StartAsync(ct);
        return await EvaluateAsync(options with { Endpoint = cluster.Otlp }, cluster.Api, settle, output, error, ct);
    }

    private static async Task<int> RunScenariosAsync(SimulateOptions options, Uri? api, TimeSpan settle, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (api is not null)
        {
            return await ScenarioEvaluation.RunAsync(options, api, settle, output, error, ct);
        }

        output.WriteLine("starting a single-node cluster in-process (memory storage; pass --api and --endpoint to use a running one)");
        await using InProcessCluster cluster = await InProcessCluster.StartAsync(ct);
        return await ScenarioEvaluation.RunAsync(options with { Endpoint = cluster.Otlp }, cluster.Api, settle, output, error, ct);
    }

    private static async Task<int> EvaluateAsync(ReplayOptions options, Uri api, TimeSpan settle, TextWriter output, TextWriter error, CancellationToken ct)
    {
        NezhaDataset dataset;
        ReplayPlan plan;
        IReadOnlyList<NezhaFault> recorded;
        try
        {
            dataset = NezhaDataset.Open(options.Directory);
            plan = ReplayPlan.Build(dataset, options, TimeProvider.System.GetUtcNow());
            recorded = NezhaFaultList.Read(dataset.FaultListFile);
        }
        catch (Exception e) when (e is ReplayInputException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return 2;
        }

        // Only the faults whose injection falls in the replayed range of the day.
        RcaFault[] faults = [.. recorded
            .Where(f => Within(f.InjectedAt, options))
            .Select(f => new RcaFault(f.Service, plan.SentTime(f.InjectedAt), f.Type))];
        int replayed = await ReplayCommand.RunAsync(plan, options, output, error, TimeProvider.System, ct);
        if (replayed == 2)
        {
            return 2;
        }

        output.WriteLine($"settling {settle.TotalSeconds:0} s for the last windows to close");
        await Task.Delay(settle, ct);
        RcaIncident[] incidents;
        try
        {
            incidents = [.. (await ReadIncidentsAsync(api, ct)).Select(i => i.Incident)];
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException)
        {
            error.WriteLine($"error: cannot read {api}api/v1/incidents: {e.Message.Split('\n')[0]}");
            return 1;
        }

        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(options.Directory));
        Print(name, RcaScorer.Score(faults, incidents), output, error, incidents);
        return 0;
    }

    /// <summary>
    /// One line per fault on <paramref name="error"/>, then the RCA line on <paramref name="output"/>. With the
    /// <paramref name="incidents"/>, a fault missed or not ranked first also names an incident that opened within a
    /// minute before its listed injection and holds its service (the telemetry can lead a fault list); the line's
    /// figures do not count it.
    /// </summary>
    public static void Print(string name, RcaResult result, TextWriter output, TextWriter error, IReadOnlyList<RcaIncident>? incidents = null)
    {
        foreach (RcaOutcome outcome in result.Outcomes)
        {
            string found = outcome.Incident is { } i
                ? FormattableString.Invariant($"incident {i.Id} after {outcome.TimeToDetect!.Value.TotalSeconds:0} s, rank {(outcome.Rank?.ToString(CultureInfo.InvariantCulture) ?? "-")} of [{string.Join(", ", i.RankedServices.Take(5))}]")
                : "no incident";
            if (incidents is not null && RcaScorer.EarlyIncident(outcome, incidents, EarlyLead) is { } early)
            {
                found += FormattableString.Invariant($" (not counted: {early.Incident.Id}, {(outcome.Fault.InjectedAt - early.Incident.DetectedAt).TotalSeconds:0} s before the listed injection, ranks it {early.Rank})");
            }

            error.WriteLine(FormattableString.Invariant($"fault {outcome.Fault.Type,-14} {outcome.Fault.Service,-32} at {outcome.Fault.InjectedAt:HH:mm:ss}: {found}"));
        }

        output.WriteLine(Line(name, result));
    }

    /// <summary><c>RCA &lt;name&gt; faults= detected= AC@1= AC@3= Avg@5= MTTD_median_s=</c>.</summary>
    public static string Line(string name, RcaResult result) => FormattableString.Invariant(
        $"RCA {name} faults={result.Faults} detected={result.Detected} AC@1={result.AccuracyAt1:F3} AC@3={result.AccuracyAt3:F3} Avg@5={result.AverageAt5:F3} MTTD_median_s={(result.MedianTimeToDetectSeconds is { } m ? m.ToString("F0", CultureInfo.InvariantCulture) : "none")}");

    private static bool Within(DateTimeOffset injected, ReplayOptions options)
    {
        var time = TimeOnly.FromTimeSpan(injected.UtcDateTime.TimeOfDay);
        return (options.From is not { } from || time >= from) && (options.To is not { } to || time < to);
    }

    /// <summary>Every incident of the cluster, with the names of the services it involves.</summary>
    public static async Task<(RcaIncident Incident, string[] Services)[]> ReadIncidentsAsync(Uri api, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };
        using JsonDocument document = await http.GetFromJsonAsync<JsonDocument>("api/v1/incidents", ct) ?? throw new JsonException("empty answer");
        return [.. document.RootElement.GetProperty("incidents").EnumerateArray().Select(i => (
            new RcaIncident(
                i.GetProperty("id").GetString()!,
                i.GetProperty("detectedAt").GetDateTimeOffset(),
                [.. i.GetProperty("rootCauses").EnumerateArray().Select(c => c.GetProperty("service").GetString()!)]),
            i.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToArray()))];
    }
}
