namespace OtlpGrains.Interfaces;

/// <summary>
/// The cluster's workload directory: one activation keyed <see cref="DefaultKey"/> keeps which service owns which
/// address (and address and port) as the node agents report them (<c>otlpgrains.agent.v1.Workloads/Report</c>), so that
/// an address seen as a peer is shown by its service's name. Held in memory: agents report again, and a complete
/// report rebuilds a node's part.
/// </summary>
[Alias("otlpgrains.IWorkloadDirectoryGrain")]
public interface IWorkloadDirectoryGrain : IGrainWithStringKey
{
    public const string DefaultKey = "default";

    /// <summary>Takes a node's report; <paramref name="complete"/> means it lists every address the node has.</summary>
    /// <param name="nodeId">The reporting node (its spans' <c>host.id</c>).</param>
    /// <param name="entries">The entries as reported; invalid ones are refused one by one.</param>
    /// <param name="complete">True when the node's addresses left out are gone from it.</param>
    [Alias("Report")]
    ValueTask<WorkloadReportResult> ReportAsync(string nodeId, WorkloadEntry[] entries, bool complete);

    /// <summary>The names, or null when <paramref name="knownVersion"/> is the current version.</summary>
    [Alias("GetNames")]
    ValueTask<WorkloadNames?> GetNamesAsync(long knownVersion);
}
