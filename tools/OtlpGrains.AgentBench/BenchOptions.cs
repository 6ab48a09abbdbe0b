using System.Globalization;

namespace OtlpGrains.AgentBench;

/// <summary>Command line of the bench: <c>[events|http|all] [--option value]...</c>.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        usage (as root): OtlpGrains.AgentBench [all|events|http] [options]
          events: (a) events/s into user space at rising ping-pong rates, capture in this process
            --rates 50000,100000,...   offered events/s per step; 0 = flat out (default 50000,100000,150000,200000,300000,0)
            --pairs N                  ping-pong connection pairs (default 2)
            --step-seconds S           seconds per step (default 5)
            --consumer drain|pipeline  drain = take and free each event; pipeline = the agent's tracker, parsers and export (default drain)
          http: (b) agent CPU at a fixed HTTP rate and (c) the latency it adds, phases off/on/off/on
            --rate R                   requests/s (default 10000)
            --connections N            keep-alive connections (default 16)
            --warmup S / --seconds S   per phase (default 10 / 20; the agent starts with its phase, and its first seconds are JIT and start-up)
            --phases N                 alternating phases, starting with the agent off (default 4)
            --agent PATH               the agent dll (default agent-ebpf/bin/Release/net10.0/OtlpGrains.Agent.dll)
            --trace server|both        server = the agent watches the server's pid (a node serving R req/s, its callers
                                       elsewhere); both = it follows the port, so client and server spans (default server)
        """;

    public string Mode { get; private set; } = "all";

    public IReadOnlyList<int> EventRates { get; private set; } = [50_000, 100_000, 150_000, 200_000, 300_000, 0];

    public int Pairs { get; private set; } = 2;

    public double StepSeconds { get; private set; } = 5;

    public string Consumer { get; private set; } = "drain";

    public int Rate { get; private set; } = 10_000;

    public int Connections { get; private set; } = 16;

    public double WarmupSeconds { get; private set; } = 10;

    public double PhaseSeconds { get; private set; } = 20;

    public int Phases { get; private set; } = 4;

    public string? AgentPath { get; private set; }

    public string Trace { get; private set; } = "server";

    public static BenchOptions? Parse(string[] args, out string? error)
    {
        var options = new BenchOptions();
        error = null;
        int i = 0;
        if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal))
        {
            options.Mode = args[i++];
        }

        try
        {
            for (; i < args.Length; i++)
            {
                string value = i + 1 < args.Length ? args[i + 1] : throw new FormatException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--rates": options.EventRates = value.Split(',').Select(int.Parse).ToArray(); break;
                    case "--pairs": options.Pairs = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--step-seconds": options.StepSeconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--consumer": options.Consumer = value is "drain" or "pipeline" ? value : throw new FormatException("--consumer is drain or pipeline"); break;
                    case "--rate": options.Rate = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--connections": options.Connections = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--warmup": options.WarmupSeconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--seconds": options.PhaseSeconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--phases": options.Phases = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--agent": options.AgentPath = value; break;
                    case "--trace": options.Trace = value is "server" or "both" ? value : throw new FormatException("--trace is server or both"); break;
                    default: throw new FormatException($"unknown option {args[i]}");
                }

                i++;
            }
        }
        catch (FormatException e)
        {
            error = e.Message;
            return null;
        }

        if (options.Mode is not ("all" or "events" or "http"))
        {
            error = $"unknown mode {options.Mode}";
            return null;
        }

        return options;
    }
}
