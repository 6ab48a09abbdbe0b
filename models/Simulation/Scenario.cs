namespace OtlpGrains.Models.Simulation;

/// <summary>
/// A named simulation: a topology under a load for a duration, with the faults injected into it (their ground truth).
/// Fault times are offsets from the scenario's start.
/// </summary>
public sealed record Scenario
{
    public Scenario(string name, string description, Topology topology, LoadProfile load, TimeSpan duration, IReadOnlyList<InjectedFault> faults)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "a scenario must last some time");
        }

        foreach (InjectedFault fault in faults)
        {
            bool known = fault.Kind == FaultKind.SlowDependency ? topology.HasDatabase(fault.Service) : topology.HasService(fault.Service);
            if (!known)
            {
                throw new ArgumentException($"scenario '{name}': fault target '{fault.Service}' is not a {(fault.Kind == FaultKind.SlowDependency ? "database" : "service")} of its topology");
            }

            if (fault.Start < TimeSpan.Zero || fault.End <= fault.Start || fault.End > duration)
            {
                throw new ArgumentException($"scenario '{name}': a fault on '{fault.Service}' must start at or after 0 and end after it starts, within the scenario");
            }

            if (fault.Instance is { } instance && (fault.Kind == FaultKind.SlowDependency || instance < 0 || instance >= topology.Service(fault.Service).Instances))
            {
                throw new ArgumentException($"scenario '{name}': '{fault.Service}' has no instance {instance}");
            }
        }

        Name = name;
        Description = description;
        Topology = topology;
        Load = load;
        Duration = duration;
        Faults = faults;
    }

    public string Name { get; }

    public string Description { get; }

    public Topology Topology { get; }

    public LoadProfile Load { get; }

    public TimeSpan Duration { get; }

    public IReadOnlyList<InjectedFault> Faults { get; }
}

/// <summary>
/// When faults happen in a scenario: after a warm-up, each lasting <see cref="Fault"/>, with <see cref="Quiet"/>
/// between them and a <see cref="Tail"/> after the last so that its incident can resolve.
/// </summary>
public sealed record ScenarioTiming(TimeSpan Warmup, TimeSpan Fault, TimeSpan Quiet, TimeSpan Tail)
{
    /// <summary>
    /// The evaluation's timing: 25 minutes of warm-up (detectors give verdicts after 100 windows of 10 s, and an
    /// incident compares against the ten minutes before it), faults of 3 minutes, 7 quiet minutes between them.
    /// </summary>
    public static ScenarioTiming Standard { get; } = new(TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(7), TimeSpan.FromMinutes(4));

    public TimeSpan StartOf(int fault) => Warmup + (fault * (Fault + Quiet));

    public TimeSpan DurationFor(int faults) => StartOf(faults - 1) + Fault + Tail;
}
