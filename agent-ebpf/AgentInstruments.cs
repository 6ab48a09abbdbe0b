using System.Diagnostics.Metrics;
using OtlpGrains.Agent.Tls;

namespace OtlpGrains.Agent;

/// <summary>
/// The agent's own counters on the <see cref="MeterName"/> meter, observed from the parts that keep them (the
/// kernel's per-CPU drop counters are read, not pushed, so observable counters fit): captured events and bytes,
/// drops in the kernel and in user space, spans made and exported, RED metric points exported, series overflow.
/// The agent sends them with its RED metrics, to the same OTLP endpoint.
/// </summary>
internal sealed class AgentInstruments : IDisposable
{
    public const string MeterName = "OtlpGrains.Agent";

    private readonly Meter _meter = new(MeterName);

    /// <param name="read">A snapshot of the counters; called once per instrument at each collection.</param>
    public AgentInstruments(Func<AgentCounters> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        Counter(read, "otlpgrains.agent.events", "{event}", "Socket events captured.", c => c.Events);
        Counter(read, "otlpgrains.agent.payload", "By", "Payload bytes the captured events carried.", c => c.PayloadBytes);
        _meter.CreateObservableCounter("otlpgrains.agent.dropped_events", () => new Measurement<long>[]
        {
            Drop(read().KernelDrops, "kernel_ring_full"),
            Drop(read().PendingDrops, "pending_map_full"),
            Drop(read().QueueDrops, "queue_full"),
        }, "{event}", "Socket events lost before the pipeline, by where.");
        Counter(read, "otlpgrains.agent.spans", "{span}", "Spans made from captured exchanges.", c => c.Spans);
        Counter(read, "otlpgrains.agent.spans_exported", "{span}", "Spans the gateway accepted.", c => c.SpansExported);
        _meter.CreateObservableCounter("otlpgrains.agent.spans_lost", () => new Measurement<long>[]
        {
            Drop(read().SpanExportDrops, "queue_full"),
            Drop(read().SpanExportFailures, "export_failed"),
        }, "{span}", "Spans that did not reach the gateway, by why.");
        Counter(read, "otlpgrains.agent.metric_points_exported", "{point}", "RED metric points the gateway accepted.", c => c.MetricPointsExported);
        Counter(read, "otlpgrains.agent.metric_points_failed", "{point}", "RED metric points lost to failed exports.", c => c.MetricPointsFailed);
        _meter.CreateObservableCounter("otlpgrains.agent.tls_attach_failures", () =>
        {
            IReadOnlyList<int> failures = read().TlsAttachFailures;
            return TlsLibraryKinds.All.Where(kind => (int)kind < failures.Count)
                .Select(kind => new Measurement<long>(failures[(int)kind], new KeyValuePair<string, object?>("library", kind.AttributeValue())));
        }, "{attempt}", "TLS uprobe attach attempts that failed, by library (openssl, gnutls, go).");
        Counter(read, "otlpgrains.agent.series_overflowed", "{measurement}", "Measurements folded away: a process had too many RED series.", c => c.SeriesOverflowed);
        Counter(read, "otlpgrains.agent.conntrack.lookups", "{lookup}", "Connections whose conntrack entry was asked for (once each).", c => c.ConntrackLookups);
        _meter.CreateObservableCounter("otlpgrains.agent.conntrack.results", () => new Measurement<long>[]
        {
            Result(read().ConntrackTranslations, "translated"),
            Result(read().ConntrackNotFound, "not_found"),
            Result(read().ConntrackFailures, "failed"),
        }, "{lookup}", "Conntrack lookups that found a translation, found no entry, or failed.");
        _meter.CreateObservableCounter("otlpgrains.agent.workload_reports", () => new Measurement<long>[]
        {
            Result(read().WorkloadReports, "accepted"),
            Result(read().WorkloadReportFailures, "failed"),
        }, "{report}", "Workload reports sent to the gateway, by outcome.");
    }

    public void Dispose() => _meter.Dispose();

    private void Counter(Func<AgentCounters> read, string name, string unit, string description, Func<AgentCounters, long> value) =>
        _meter.CreateObservableCounter(name, () => value(read()), unit, description);

    private static Measurement<long> Result(long value, string result) => new(value, new KeyValuePair<string, object?>("result", result));

    private static Measurement<long> Drop(long value, string reason) => new(value, new KeyValuePair<string, object?>("reason", reason));
}
