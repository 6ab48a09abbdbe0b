using System.Diagnostics;
using System.Globalization;

namespace OtlpGrains.AgentBench;

/// <summary>
/// Benchmarks (b) and (c): an HTTP/1.1 keep-alive server and a fixed-rate client (both this program, in child
/// processes) run in alternating phases without and with the agent (its own process, exporting to the bench's
/// <see cref="OtlpSink"/>). Each phase warms up, then measures: the client's latency percentiles and the CPU of the
/// agent, server and client from /proc over the measured interval.
/// </summary>
internal static class HttpOverheadBench
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        string agentPath = options.AgentPath ?? FindAgent();
        await using OtlpSink sink = await OtlpSink.StartAsync();
        using ChildProcess server = ChildProcess.StartRole("http-server");
        int port = int.Parse((await server.WaitForLineAsync("port ", StartTimeout))[5..], CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"(b)+(c) HTTP at a fixed {options.Rate} req/s over {options.Connections} keep-alive connections to port {port} (traced: {options.Trace}), {options.WarmupSeconds:0.#} s warm-up + {options.PhaseSeconds:0.#} s measured per phase; agent {agentPath} exporting to the sink on port {sink.Port}"));
        Console.WriteLine("  phase | agent | req/s  | errors | response p50/p99/p99.9 us   | service p50/p99/p99.9 us    | agent CPU % | server+client CPU % | spans / metrics to sink");

        var rows = new List<PhaseResult>();
        for (int phase = 0; phase < options.Phases; phase++)
        {
            bool on = phase % 2 == 1;
            PhaseResult row = await RunPhaseAsync(options, agentPath, port, sink, server.Id, on);
            rows.Add(row);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {phase + 1,5} | {(on ? "on" : "off"),5} | {row.Rate,6:F0} | {row.Errors,6} | {Triple(row.Response),-27} | {Triple(row.Service),-27} | {(on ? row.AgentCpu.ToString("F2", CultureInfo.InvariantCulture) : "-"),11} | {row.LoadCpu,19:F1} | {row.Spans} / {row.Metrics}"));
            if (row.AgentSummary is not null)
            {
                Console.WriteLine($"          agent: {row.AgentSummary}");
            }
        }

        server.Stop(TimeSpan.FromSeconds(5));
        var off = rows.Where(r => !r.AgentOn).ToList();
        var with = rows.Where(r => r.AgentOn).ToList();
        if (off.Count > 0 && with.Count > 0)
        {
            double Added(Func<LatencySummary, double> pick, Func<PhaseResult, LatencySummary> which) =>
                with.Average(r => pick(which(r))) - off.Average(r => pick(which(r)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  agent CPU at {options.Rate} req/s: {with.Average(r => r.AgentCpu):F2}% of one core (target < 10%, aim 3%); server+client CPU {off.Average(r => r.LoadCpu):F1}% without, {with.Average(r => r.LoadCpu):F1}% with the agent (in-kernel probe cost lands there)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  added latency (mean of on phases - mean of off phases): response p50 {Added(l => l.P50Us, r => r.Response):F1} us, p99 {Added(l => l.P99Us, r => r.Response):F1} us, p99.9 {Added(l => l.P999Us, r => r.Response):F1} us; service p50 {Added(l => l.P50Us, r => r.Service):F1} us, p99 {Added(l => l.P99Us, r => r.Service):F1} us, p99.9 {Added(l => l.P999Us, r => r.Service):F1} us"));
        }

        return rows.All(r => r.Errors == 0) ? 0 : 1;
    }

    private static async Task<PhaseResult> RunPhaseAsync(BenchOptions options, string agentPath, int port, OtlpSink sink, int serverPid, bool on)
    {
        ChildProcess? agent = null;
        try
        {
            if (on)
            {
                // server: only the server's pid is captured (the kernel filters the client out), as on a node whose
                // callers run elsewhere; both: every process on the port, so each request is traced at both ends.
                string[] follow = options.Trace == "server"
                    ? ["--watch", serverPid.ToString(CultureInfo.InvariantCulture)]
                    : ["--port", port.ToString(CultureInfo.InvariantCulture)];
                agent = ChildProcess.Start("dotnet", [agentPath, .. follow, "--endpoint", $"http://127.0.0.1:{sink.Port}"]);
                await agent.WaitForLineAsync("otlpgrains-agent: capturing", StartTimeout);
            }

            long spansBefore = sink.Counters.Spans;
            long metricsBefore = sink.Counters.Metrics;
            using ChildProcess client = ChildProcess.StartRole("http-client", port.ToString(CultureInfo.InvariantCulture),
                options.Rate.ToString(CultureInfo.InvariantCulture), options.Connections.ToString(CultureInfo.InvariantCulture),
                options.WarmupSeconds.ToString(CultureInfo.InvariantCulture), options.PhaseSeconds.ToString(CultureInfo.InvariantCulture));
            await client.WaitForLineAsync("measure", StartTimeout + TimeSpan.FromSeconds(options.WarmupSeconds));
            long started = Stopwatch.GetTimestamp();
            long agentStart = agent is null ? 0 : ProcessCpu.Ticks(agent.Id);
            long loadStart = ProcessCpu.Ticks(serverPid) + ProcessCpu.Ticks(client.Id);
            string result = await client.WaitForLineAsync("result", TimeSpan.FromSeconds(options.PhaseSeconds + 60));
            double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            long agentEnd = agent is null ? 0 : ProcessCpu.Ticks(agent.Id);
            long loadEnd = ProcessCpu.Ticks(serverPid) + ProcessCpu.Ticks(client.Id);
            client.WaitForExit(TimeSpan.FromSeconds(10));

            // result rate R errors E response a;b;c;d;e service a;b;c;d;e
            string[] parts = result.Split(' ');
            string? summary = null;
            if (agent is not null)
            {
                // Let the exporter's 1 s flush window pass so the sink count covers the phase.
                await Task.Delay(TimeSpan.FromSeconds(1.5));
                agent.Interrupt(TimeSpan.FromSeconds(10));
                summary = agent.TakeLines().LastOrDefault(l => l.StartsWith("events/s", StringComparison.Ordinal));
            }

            return new PhaseResult(
                on,
                double.Parse(parts[2], CultureInfo.InvariantCulture),
                long.Parse(parts[4], CultureInfo.InvariantCulture),
                LatencySummary.Parse(parts[6]),
                LatencySummary.Parse(parts[8]),
                (agentEnd - agentStart) * 100.0 / ProcessCpu.TicksPerSecond / seconds,
                (loadEnd - loadStart) * 100.0 / ProcessCpu.TicksPerSecond / seconds,
                sink.Counters.Spans - spansBefore,
                sink.Counters.Metrics - metricsBefore,
                summary);
        }
        finally
        {
            agent?.Dispose();
        }
    }

    private static string Triple(LatencySummary l) =>
        string.Create(CultureInfo.InvariantCulture, $"{l.P50Us:F0} / {l.P99Us:F0} / {l.P999Us:F0}");

    private static string FindAgent()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "agent-ebpf", "bin", "Release", "net10.0", "OtlpGrains.Agent.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("agent-ebpf/bin/Release/net10.0/OtlpGrains.Agent.dll not found: build agent-ebpf -c Release or pass --agent");
    }

    private sealed record PhaseResult(bool AgentOn, double Rate, long Errors, LatencySummary Response, LatencySummary Service,
        double AgentCpu, double LoadCpu, long Spans, long Metrics, string? AgentSummary);
}
