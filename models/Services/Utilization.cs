namespace OtlpGrains.Models.Services;

/// <summary>
/// Which metric series are utilisations: by the OpenTelemetry naming convention, a name ending in <c>utilization</c>
/// (<c>system.cpu.utilization</c>, <c>container.cpu.utilization</c>, <c>k8s.pod.cpu_limit_utilization</c>, and the
/// Prometheus spelling <c>..._utilization</c>) is a ratio of a limit or a capacity, unit <c>1</c>.
/// </summary>
public static class Utilization
{
    /// <summary>True when <paramref name="name"/> names a utilisation series.</summary>
    public static bool IsUtilization(string name) =>
        name is not null && name.EndsWith("utilization", StringComparison.OrdinalIgnoreCase);
}
