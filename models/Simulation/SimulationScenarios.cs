namespace OtlpGrains.Models.Simulation;

/// <summary>
/// The fixed set of scenarios the RCA evaluation runs, each with several faults at different places, so the root cause
/// moves within one system. Service names start with the scenario's name (and an optional run prefix), so scenarios
/// can share a cluster.
/// </summary>
public static class SimulationScenarios
{
    public static IReadOnlyList<string> Names { get; } =
        ["slow-leaf", "erroring-middle-tier", "cascade-two-hops-down", "cpu-starved-instance", "slow-database", "retry-storm", "failing-consumer"];

    /// <summary>
    /// The scenario called <paramref name="name"/>, its services named <c>{runPrefix}{name}-{service}</c>; the load
    /// defaults to 8 requests per second, the timing to <see cref="ScenarioTiming.Standard"/>. With
    /// <paramref name="faults"/>, only that many of its faults (the first ones), and the scenario ends sooner.
    /// </summary>
    public static Scenario Create(string name, string runPrefix = "", LoadProfile? load = null, ScenarioTiming? timing = null, int? faults = null)
    {
        string prefix = $"{runPrefix}{name}-";
        load ??= new LoadProfile(8);
        timing ??= ScenarioTiming.Standard;
        return name switch
        {
            "slow-leaf" => Build(name, "a fan-out front end; one leaf at a time slows by about 150 ms",
                Topologies.FanOut(prefix, 4), load, timing,
                [(FaultKind.Latency, "pricing", 150), (FaultKind.Latency, "recommendations", 150), (FaultKind.Latency, "catalog", 150)]),
            "erroring-middle-tier" => Build(name, "a chain of five; a middle tier fails 30% of its requests",
                Topologies.Chain(prefix, 4), load, timing,
                [(FaultKind.Errors, "api", 0.3), (FaultKind.Errors, "orders", 0.3), (FaultKind.Errors, "payments", 0.3)]),
            "cascade-two-hops-down" => Build(name, "a chain of five; the fault sits two hops below a caller and cascades up",
                Topologies.Chain(prefix, 4), load, timing,
                [(FaultKind.Latency, "orders", 200), (FaultKind.Errors, "payments", 0.3), (FaultKind.Latency, "ledger", 200)]),
            "cpu-starved-instance" => Build(name, "a fan-out, three instances per service; one instance's CPU is starved (work 4x slower)",
                Topologies.FanOut(prefix, 3, instances: 3), load, timing,
                [(FaultKind.CpuSaturation, "catalog", 4), (FaultKind.CpuSaturation, "reviews", 4), (FaultKind.CpuSaturation, "pricing", 4)],
                instance: 1),
            "slow-database" => Build(name, "four services share a PostgreSQL database, two a Redis cache; a database slows",
                Topologies.SharedDatabase(prefix, 4), load, timing,
                [(FaultKind.SlowDependency, "orders-db", 100), (FaultKind.SlowDependency, "session-cache", 60)]),
            "retry-storm" => Build(name, "a chain of four whose callers retry 3 times; a service starts failing 40% and retries multiply its load",
                Topologies.Chain(prefix, 3, retries: 3), load, timing,
                [(FaultKind.RetryStorm, "orders", 0.4), (FaultKind.RetryStorm, "payments", 0.4), (FaultKind.RetryStorm, "api", 0.4)]),
            "failing-consumer" => Build(name, "orders published on a queue; the consumer or its callee fails or slows",
                Topologies.AsyncQueue(prefix), load, timing,
                [(FaultKind.Errors, "shipping", 0.3), (FaultKind.Latency, "labels", 150)]),
            _ => throw new ArgumentException($"unknown scenario '{name}' (known: {string.Join(", ", Names)})", nameof(name)),
        };

        Scenario Build(string scenario, string description, Topology topology, LoadProfile profile, ScenarioTiming t,
            (FaultKind Kind, string Target, double Magnitude)[] all, int? instance = null)
        {
            var kept = all.Take(Math.Clamp(faults ?? all.Length, 1, all.Length)).ToArray();
            return new(scenario, description, topology, profile, t.DurationFor(kept.Length),
                [.. kept.Select((f, i) => new InjectedFault(prefix + f.Target, f.Kind, t.StartOf(i), t.StartOf(i) + t.Fault, f.Magnitude, Instance: instance))]);
        }
    }
}
