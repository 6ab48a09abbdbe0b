namespace OtlpGrains.Agent;

/// <summary>The agent's own counters at one moment, all since it started.</summary>
/// <param name="Events">Socket events captured.</param>
/// <param name="PayloadBytes">Payload bytes those events carried.</param>
/// <param name="KernelDrops">Events the kernel could not submit (ring buffer full).</param>
/// <param name="PendingDrops">TLS library calls not followed (their entry/return map full).</param>
/// <param name="QueueDrops">Events dropped in user space (consumer queue full).</param>
/// <param name="Spans">Spans the pipeline made.</param>
/// <param name="SpansExported">Spans the gateway accepted.</param>
/// <param name="SpanExportDrops">Spans dropped before export (export queue full).</param>
/// <param name="SpanExportFailures">Spans lost to failed exports.</param>
/// <param name="MetricPointsExported">RED metric points the gateway accepted.</param>
/// <param name="MetricPointsFailed">RED metric points lost to failed exports.</param>
/// <param name="SeriesOverflowed">Measurements folded away because a process had too many RED series.</param>
/// <param name="ConntrackLookups">Connections whose conntrack entry was asked for.</param>
/// <param name="ConntrackTranslations">Entries found translated (DNAT, SNAT).</param>
/// <param name="ConntrackNotFound">Lookups without an entry.</param>
/// <param name="ConntrackFailures">Lookups that failed (error, no answer in time).</param>
/// <param name="WorkloadReports">Workload reports the gateway accepted.</param>
/// <param name="WorkloadReportFailures">Workload reports that failed or were not served.</param>
internal readonly record struct AgentCounters(
    long Events,
    long PayloadBytes,
    long KernelDrops,
    long PendingDrops,
    long QueueDrops,
    long Spans,
    long SpansExported,
    long SpanExportDrops,
    long SpanExportFailures,
    long MetricPointsExported,
    long MetricPointsFailed,
    long SeriesOverflowed,
    long ConntrackLookups = 0,
    long ConntrackTranslations = 0,
    long ConntrackNotFound = 0,
    long ConntrackFailures = 0,
    long WorkloadReports = 0,
    long WorkloadReportFailures = 0)
{
    /// <summary>Failed TLS probe attach attempts, indexed by <see cref="Tls.TlsLibraryKind"/> (empty without TLS probes).</summary>
    public IReadOnlyList<int> TlsAttachFailures { get; init; } = [];
}
