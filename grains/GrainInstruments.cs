using System.Diagnostics.Metrics;
using OtlpGrains.Models.Joins;
using OtlpGrains.Models.Services;

namespace OtlpGrains.Grains;

/// <summary>
/// What the grains of this silo drop or refuse, on the <see cref="MeterName"/> meter: data the bounds and windows
/// turn away, traces cut or evicted, edge calls and anomaly events that could not be handed on. The plain classes
/// in the models only count; their grains add what a call changed here.
/// </summary>
/// <remarks>
/// Per silo and since it started (the per-service totals on <c>/metrics</c> are cluster-wide and durable): a replay
/// after a crash counts its batches' refusals again, in the process that now holds them. Names
/// are the Prometheus names less the meter's prefix: <c>refused_edge_calls_total</c> is
/// <c>otlpgrains_grains_refused_edge_calls_total</c>.
/// </remarks>
internal sealed class GrainInstruments
{
    public const string MeterName = "OtlpGrains.Grains";

    private readonly Counter<long> _lateSpans;
    private readonly Counter<long> _refusedMetricPoints;
    private readonly Counter<long> _refusedEdgeCalls;
    private readonly Counter<long> _skippedWindows;
    private readonly Counter<long> _otherOperationSpans;
    private readonly Counter<long> _cutSpans;
    private readonly Counter<long> _evictedKeptTraces;
    private readonly Counter<long> _earlyTraces;
    private readonly Counter<long> _droppedEdgeCalls;
    private readonly Counter<long> _unstoredKeptTraces;
    private readonly Counter<long> _tracesWithoutP99;
    private readonly Counter<long> _unpublishedAnomalies;
    private readonly Counter<long> _undeliveredWindows;
    private readonly Counter<long> _idleClosedWindows;
    private readonly Counter<long> _droppedContinuations;
    private readonly Counter<long> _joinHalves;
    private readonly Counter<long> _joined;
    private readonly Counter<long> _alreadyLinked;
    private readonly Counter<long> _joinExpired;
    private readonly Counter<long> _joinDropped;
    private readonly Counter<long> _joinLate;
    private readonly Counter<long> _joinMovesFailed;
    private readonly Counter<long> _workloadReports;
    private readonly Counter<long> _workloadRefused;
    private Func<int> _workloadEntries = static () => 0;

    public GrainInstruments(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _lateSpans = Create(meter, "late_spans_total", "{span}",
            "Spans too late (beyond the allowed lateness) or too far ahead for the windows; counted in the totals only.");
        _refusedMetricPoints = Create(meter, "refused_metric_points_total", "{point}",
            "Metric points refused: names beyond MaxMetricSeries, or too late or too far ahead for the windows.");
        _refusedEdgeCalls = Create(meter, "refused_edge_calls_total", "{call}", "Edge calls refused: callees beyond MaxEdges.");
        _otherOperationSpans = Create(meter, "other_operation_spans_total", "{span}",
            "Spans counted under the operation 'other' in their service's windows: the service already had MaxOperations span names.");
        _skippedWindows = Create(meter, "skipped_windows_total", "{window}",
            "Windows that never closed, so never reached the detectors: the watermark jumped past more than the retention.");
        _cutSpans = Create(meter, "cut_spans_total", "{span}", "Spans cut from a trace beyond Traces:MaxSpans.");
        _evictedKeptTraces = Create(meter, "evicted_kept_traces_total", "{trace}",
            "Kept traces evicted, oldest first, from the in-memory store beyond Traces:MaxKeptTraces.");
        _earlyTraces = Create(meter, "traces_completed_early_total", "{trace}",
            "Traces in progress completed before their idle time because their shard was full (Traces:MaxPendingTraces).");
        _droppedEdgeCalls = Create(meter, "dropped_edge_calls_total", "{call}",
            "Edge calls dropped: the buffer to the service grains was full (they were unreachable for long), or the silo stopped with no peer to take them.");
        _unstoredKeptTraces = Create(meter, "unstored_kept_traces_total", "{trace}",
            "Traces tail sampling kept that were not stored: the store failed, or the silo stopped with an in-memory store and no peer.");
        _tracesWithoutP99 = Create(meter, "traces_without_p99_total", "{trace}",
            "Completed traces judged without their root operation's p99 (so never slow): the service grain did not answer, or the silo stopped with no peer to ask.");
        _unpublishedAnomalies = Create(meter, "unpublished_anomaly_events_total", "{event}",
            "Anomaly events the detectors raised that the anomalies stream did not take (the API still has them).");
        _undeliveredWindows = Create(meter, "undelivered_closed_windows_total", "{window}",
            "Closed windows the window-close sink failed to take after scoring.");
        _idleClosedWindows = Create(meter, "idle_closed_windows_total", "{window}",
            "Windows closed because their signal sent nothing for Services:IdleCloseSeconds, not because a later event passed them.");
        _droppedContinuations = Create(meter, "dropped_trace_continuations_total", "{part}",
            "Spans of a kept trace that came after it completed, not kept because the trace has all its parts already (4).");
        _joinHalves = CreateBySide(meter, "join_halves_total",
            "Request halves (CLIENT and SERVER spans that name their whole connection, as node agents send them) the join shards received, by side.");
        _joined = Create(meter, "joined_requests_total", "{request}",
            "Requests whose client and server halves met: the server's trace moved under the client span.");
        _alreadyLinked = Create(meter, "join_already_linked_total", "{request}",
            "Requests whose halves met in one trace already (the same node's agent linked them, or context was propagated): nothing to move.");
        _joinExpired = CreateBySide(meter, "join_expired_halves_total",
            "Request halves that met no other half within Join:TtlSeconds, left as they are (the client span's peer address kept), by side.");
        _joinDropped = CreateBySide(meter, "join_dropped_halves_total",
            "Request halves dropped unmatched because their join shard was full (Join:MaxHalves), by side.");
        _joinLate = Create(meter, "join_late_total", "{request}",
            "Joined requests whose client trace had completed already: the server's spans became a later part of it, without the edge.");
        _joinMovesFailed = Create(meter, "join_moves_failed_total", "{request}",
            "Joined requests whose server trace could not be moved (the trace shard did not answer): left apart.");
        _workloadReports = Create(meter, "workload_reports_total", "{report}", "Workload reports the directory took from node agents.");
        _workloadRefused = Create(meter, "workload_refused_entries_total", "{entry}",
            "Workload report entries refused: no address, no service name, an address that does not parse, or the directory full (Workloads:MaxEntries).");
        meter.CreateObservableGauge("workload_directory_entries", () => _workloadEntries(), "{entry}",
            "Addresses (and address:port endpoints) the workload directory names, in this silo's copy.");
    }

    /// <summary>Adds what a join shard counted since its last report.</summary>
    public void Joins(JoinCounts counts)
    {
        AddBySide(_joinHalves, counts.ClientHalves, counts.ServerHalves);
        AddIfAny(_joined, counts.Joined);
        AddIfAny(_alreadyLinked, counts.AlreadyLinked);
        AddBySide(_joinExpired, counts.ExpiredClients, counts.ExpiredServers);
        AddBySide(_joinDropped, counts.DroppedClients, counts.DroppedServers);
    }

    public void JoinsLate(long requests) => AddIfAny(_joinLate, requests);

    public void JoinMovesFailed(long requests) => AddIfAny(_joinMovesFailed, requests);

    public void WorkloadReport(long refusedEntries)
    {
        _workloadReports.Add(1);
        AddIfAny(_workloadRefused, refusedEntries);
    }

    /// <summary>Where the directory gauge reads this silo's entry count (the silo's copy of the directory).</summary>
    public void ObserveWorkloadEntries(Func<int> entries) => _workloadEntries = entries;

    /// <summary>Adds what a service's statistics refused during one call (<see cref="ServiceDrops.Since"/>).</summary>
    public void Refused(ServiceDrops drops)
    {
        AddIfAny(_lateSpans, drops.LateSpans);
        AddIfAny(_refusedMetricPoints, drops.RefusedMetricPoints);
        AddIfAny(_refusedEdgeCalls, drops.RefusedEdgeCalls);
        AddIfAny(_skippedWindows, drops.SkippedWindows);
        AddIfAny(_otherOperationSpans, drops.OtherOperationSpans);
    }

    public void SpansCut(long spans) => AddIfAny(_cutSpans, spans);

    public void KeptTracesEvicted(long traces) => AddIfAny(_evictedKeptTraces, traces);

    public void TracesCompletedEarly(long traces) => AddIfAny(_earlyTraces, traces);

    public void EdgeCallsDropped(long calls) => AddIfAny(_droppedEdgeCalls, calls);

    public void KeptTracesNotStored(long traces) => AddIfAny(_unstoredKeptTraces, traces);

    public void TraceContinuationsDropped(long parts) => AddIfAny(_droppedContinuations, parts);

    public void TracesWithoutP99(long traces) => AddIfAny(_tracesWithoutP99, traces);

    public void AnomalyEventsUnpublished(long events) => AddIfAny(_unpublishedAnomalies, events);

    public void ClosedWindowsUndelivered(long windows) => AddIfAny(_undeliveredWindows, windows);

    public void IdleClosedWindows(long windows) => AddIfAny(_idleClosedWindows, windows);

    private static Counter<long> Create(Meter meter, string name, string unit, string description)
    {
        var counter = meter.CreateCounter<long>(name, unit, description);
        counter.Add(0); // present from the start, so that the first drop shows as an increase
        return counter;
    }

    private static Counter<long> CreateBySide(Meter meter, string name, string description)
    {
        var counter = meter.CreateCounter<long>(name, "{half}", description);
        counter.Add(0, Client);
        counter.Add(0, Server);
        return counter;
    }

    private static void AddBySide(Counter<long> counter, long clients, long servers)
    {
        if (clients > 0)
        {
            counter.Add(clients, Client);
        }

        if (servers > 0)
        {
            counter.Add(servers, Server);
        }
    }

    private static readonly KeyValuePair<string, object?> Client = new("side", "client");
    private static readonly KeyValuePair<string, object?> Server = new("side", "server");

    // Most batches drop nothing: skip the listener call then.
    private static void AddIfAny(Counter<long> counter, long value)
    {
        if (value > 0)
        {
            counter.Add(value);
        }
    }
}
