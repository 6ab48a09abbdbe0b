using OtlpGrains.Interfaces;
using Wire = OtlpGrains.Federation.V1;

namespace OtlpGrains.Grains.Federation;

/// <summary>A peer's federation messages read into the types grains pass around.</summary>
internal static class PeerWire
{
    public static ClusterSummary FromWire(Wire.ClusterSummary summary) => new(
        summary.Cluster,
        Time(summary.TakenAtUnixNano),
        [.. summary.Services.Select(s => new FederatedService(s.Name, s.Status, s.AnomalyScore, s.Rate, s.ErrorRatio, s.P95Ms))],
        [.. summary.Incidents.Select(Incident)])
    {
        RemoteEdges = [.. summary.RemoteEdges.Select(Edge)],
    };

    public static ClusterGraph FromWire(Wire.ServiceGraph graph) => new(graph.Cluster, [.. graph.Services], [.. graph.Edges.Select(Edge)]);

    /// <summary>A peer's evidence about one of its services.</summary>
    public static RemoteServiceEvidence FromWire(Wire.ServiceEvidenceReply reply) => !reply.Found
        ? new RemoteServiceEvidence(false, "ok", 0, null, [])
        : new RemoteServiceEvidence(
            true,
            reply.Status,
            reply.AnomalyScore,
            new ServiceEvidence(
                string.Empty,
                Shift(reply.Requests),
                [.. reply.Callees.Select(c => new EdgeShift(c.Server, c.Virtual, Shift(c.Stats)))],
                [.. reply.Templates.Select(t => new TemplateShift(t.Id, t.Template, t.Severity, Count(t.Count), Count(t.BaselineCount)))])
            {
                Paths = [.. reply.Paths.Select(p => new PathShift(p.From, p.To, Count(p.Followed), Count(p.Lines), p.UsualShare, p.Surprise)
                {
                    Operation = p.Operation.Length == 0 ? null : p.Operation,
                })],
                Metrics = [.. reply.Metrics.Select(m => new MetricShift(m.Name, m.Mean, m.BaselineMedian, m.Deviation))],
            },
            [.. reply.Incidents.Select(Incident)]);

    private static ShiftStats Shift(Wire.Shift? shift) => shift is null
        ? new ShiftStats(0, 0, double.NaN, 0, 0, double.NaN)
        : new ShiftStats(Count(shift.Calls), Count(shift.Errors), shift.P99Ms, Count(shift.BaselineCalls), Count(shift.BaselineErrors), shift.BaselineP99Ms);

    private static long Count(ulong value) => (long)Math.Min(value, long.MaxValue);

    private static ClusterEdge Edge(Wire.Edge edge) => new(
        edge.Client,
        edge.Server,
        edge.Virtual,
        Count(edge.Calls),
        Count(edge.Errors),
        new LatencySummary(edge.P50Ms, edge.P95Ms, edge.P99Ms),
        edge.RemoteCluster.Length == 0 ? null : new RemoteNode(edge.RemoteCluster, edge.RemoteService.Length == 0 ? edge.Server : edge.RemoteService));

    private static FederatedIncident Incident(Wire.OpenIncident i) =>
        new(i.Id, Time(i.StartedAtUnixNano), Time(i.DetectedAtUnixNano), [.. i.Services], i.TopCause.Length == 0 ? null : i.TopCause, i.TopScore);

    /// <summary>The part of a trace <paramref name="peer"/> kept; no spans when it kept none.</summary>
    public static TracePart FromWire(string peer, Wire.TraceSpans spans) => new(
        peer,
        spans.Found ? [.. spans.Spans.Select(Span)] : [],
        spans.Found ? spans.KeptBecause : null);

    private static TraceSpanView Span(Wire.Span span)
    {
        var start = Time(span.StartUnixNano);
        var end = Time(span.EndUnixNano);
        return new TraceSpanView(
            span.SpanId.ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            span.ParentSpanId == 0 ? null : span.ParentSpanId.ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            span.Service,
            span.Name,
            KindName(span.Kind),
            start,
            end,
            Math.Max(0, (long)(span.EndUnixNano - span.StartUnixNano)) / 1_000_000d,
            span.StatusCode switch { 1 => "OK", 2 => "ERROR", _ => "UNSET" });
    }

    private static string KindName(int kind) => kind switch
    {
        1 => "INTERNAL",
        2 => "SERVER",
        3 => "CLIENT",
        4 => "PRODUCER",
        5 => "CONSUMER",
        _ => "UNSPECIFIED",
    };

    private static DateTimeOffset Time(ulong unixNanos) => OtlpGrains.Models.Statistics.UnixNanos.ToDateTimeOffset((long)Math.Min(unixNanos, long.MaxValue));
}
