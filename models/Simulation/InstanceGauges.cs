namespace OtlpGrains.Models.Simulation;

/// <summary>
/// The CPU and memory gauges of every instance, one point each per interval. CPU utilisation (a ratio) follows the
/// work the instance did in the interval; an instance whose CPU is starved reads near 1. Memory (bytes) has a
/// per-service base, grows with load and with a garbage-collection sawtooth.
/// </summary>
internal sealed class InstanceGauges(Topology topology, IReadOnlyList<InjectedFault> faults, Random random)
{
    public const string CpuName = "container.cpu.utilization";
    public const string MemoryName = "container.memory.usage";

    // One core's worth of work in the interval is this share of the instance's CPU limit (two cores).
    private const double CoreShare = 0.5;

    private readonly Dictionary<(string Service, int Instance), (double WorkMs, int Requests)> _work = [];

    public void Record(string service, int instance, double workMs)
    {
        (double WorkMs, int Requests) current = _work.GetValueOrDefault((service, instance));
        _work[(service, instance)] = (current.WorkMs + workMs, current.Requests + 1);
    }

    /// <summary>The points of the interval that ends at <paramref name="at"/>, then a fresh interval.</summary>
    public IEnumerable<SimulatedGauge> Close(long timeUnixNano, TimeSpan at, TimeSpan interval)
    {
        var points = new List<SimulatedGauge>();
        foreach (SimulatedService service in topology.Services)
        {
            for (int instance = 0; instance < service.Instances; instance++)
            {
                (double workMs, int requests) = _work.GetValueOrDefault((service.Name, instance));
                double cpu = 0.04 + (CoreShare * workMs / interval.TotalMilliseconds) + (0.01 * LogNormalLatency.StandardNormal(random));
                if (faults.Any(f => f.Kind == FaultKind.CpuSaturation && f.Service == service.Name && f.Instance == instance && f.IsActive(at - (interval / 2))))
                {
                    cpu = 0.95 + (0.015 * LogNormalLatency.StandardNormal(random));
                }

                double baseMb = 180 + (service.Name.Length * 7 % 120);
                double sawtoothMb = 40 * (at.TotalMinutes % 10 / 10); // the heap grows and a full collection resets it every 10 minutes
                double memoryMb = baseMb + sawtoothMb + (0.2 * requests) + (2 * LogNormalLatency.StandardNormal(random));
                string pod = service.Pod(instance);
                points.Add(new SimulatedGauge(timeUnixNano, service.Name, pod, CpuName, "1", Math.Clamp(cpu, 0.005, 1)));
                points.Add(new SimulatedGauge(timeUnixNano, service.Name, pod, MemoryName, "By", Math.Round(memoryMb * 1024 * 1024)));
            }
        }

        _work.Clear();
        return points;
    }
}
