namespace OtlpGrains.Models.Simulation;

/// <summary>The kinds of fault the simulator injects.</summary>
public enum FaultKind
{
    /// <summary>The service's own time grows by a log-normal delay of median <see cref="InjectedFault.Magnitude"/> ms.</summary>
    Latency,

    /// <summary>A share (<see cref="InjectedFault.Magnitude"/>) of the service's requests fail with an exception.</summary>
    Errors,

    /// <summary>
    /// One instance's CPU is starved: its CPU gauge pins near 100% and its own time is multiplied by
    /// <see cref="InjectedFault.Magnitude"/>; the other instances are untouched.
    /// </summary>
    CpuSaturation,

    /// <summary>Calls to a database take a log-normal delay of median <see cref="InjectedFault.Magnitude"/> ms more.</summary>
    SlowDependency,

    /// <summary>
    /// A share (<see cref="InjectedFault.Magnitude"/>) of the service's requests fail fast; callers that retry
    /// multiply its load, which slows it in turn.
    /// </summary>
    RetryStorm,
}

/// <summary>
/// A fault with its ground truth: where (a service, or a database for <see cref="FaultKind.SlowDependency"/>; an
/// operation and an instance when it is that narrow), what, and when (offsets from the scenario's start).
/// </summary>
public sealed record InjectedFault(
    string Service, FaultKind Kind, TimeSpan Start, TimeSpan End, double Magnitude, string? Operation = null, int? Instance = null)
{
    /// <summary>The type written in evaluation output (<c>latency</c>, <c>errors</c>, <c>cpu</c>, <c>slow-dependency</c>, <c>retry-storm</c>).</summary>
    public string TypeName => Kind switch
    {
        FaultKind.Latency => "latency",
        FaultKind.Errors => "errors",
        FaultKind.CpuSaturation => "cpu",
        FaultKind.SlowDependency => "slow-dependency",
        _ => "retry-storm",
    };

    public bool IsActive(TimeSpan at) => at >= Start && at < End;

    /// <summary>True when it acts on this request of <paramref name="service"/> (its operation and instance, if narrowed).</summary>
    public bool Hits(string service, string operation, int instance, TimeSpan at) =>
        IsActive(at) && Service == service && (Operation is null || Operation == operation) && (Instance is null || Instance == instance);
}
