namespace OtlpGrains.Grains.Workloads;

/// <summary>The workload directory: which service owns an address, as the node agents report it.</summary>
public sealed class WorkloadOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "OtlpGrains:Workloads";

    /// <summary>
    /// An entry not reported again for this long is forgotten. Agents report every few seconds and send a complete
    /// report periodically, so this only clears the addresses of a node that went away. Default: 300.
    /// </summary>
    public double TtlSeconds { get; set; } = 300;

    /// <summary>The most entries (addresses, and address:port endpoints) the directory holds; new ones beyond are refused. Default: 100000.</summary>
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>How often each silo asks the directory whether its names changed (one call, for every span). Default: 2.</summary>
    public double RefreshSeconds { get; set; } = 2;
}
