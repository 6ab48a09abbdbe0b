namespace OtlpGrains.Models.Simulation;

/// <summary>What a call goes to: an instrumented service, an uninstrumented database, or a message queue.</summary>
public enum CallTarget
{
    Service,
    Database,
    Queue,
}

/// <summary>
/// One outgoing call of an operation: to <paramref name="Target"/> (a service, database or queue name) and, for a
/// service, its <paramref name="Operation"/>; made with <paramref name="Probability"/> per request; a failed service
/// call is tried again up to <paramref name="Retries"/> times (the retry policy a retry storm multiplies).
/// </summary>
public sealed record SimulatedCall(CallTarget Kind, string Target, string Operation, double Probability = 1, int Retries = 0);

/// <summary>
/// An operation of a service: its own time (before and around its calls), its base error rate, its calls, and
/// whether the calls run one after the other or all at once (a fan-out).
/// </summary>
public sealed record SimulatedOperation(
    string Name, LogNormalLatency SelfTime, double ErrorRate, IReadOnlyList<SimulatedCall> Calls, bool ParallelCalls = false);

/// <summary>An instrumented service: its name, how many instances (pods) share its requests, and its operations.</summary>
public sealed record SimulatedService(string Name, int Instances, IReadOnlyList<SimulatedOperation> Operations)
{
    public SimulatedOperation Operation(string name) =>
        Operations.FirstOrDefault(o => o.Name == name)
        ?? throw new ArgumentException($"service '{Name}' has no operation '{name}'", nameof(name));

    /// <summary>The pod name of instance <paramref name="instance"/>, stable for a service.</summary>
    public string Pod(int instance) => FormattableString.Invariant($"{Name}-{(uint)StringHash(Name) % 0xfffff:x5}-{instance}");

    private static int StringHash(string text)
    {
        // FNV-1a: string.GetHashCode is randomised per process, and pod names must not change between runs.
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)hash;
    }
}

/// <summary>An uninstrumented database its callers see only through their CLIENT spans (<c>db.system</c>).</summary>
public sealed record SimulatedDatabase(string Name, string System, LogNormalLatency Latency, double ErrorRate);

/// <summary>A message queue's topic: a PRODUCER span publishes, and the consumer's operation takes the message after a delay.</summary>
public sealed record SimulatedTopic(string Name, string ConsumerService, string ConsumerOperation, LogNormalLatency Delay);

/// <summary>Where requests enter: a service's operation, and its share of the arrivals.</summary>
public sealed record EntryPoint(string Service, string Operation, double Weight);
