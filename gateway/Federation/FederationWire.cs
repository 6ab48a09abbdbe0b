using System.Globalization;
using OtlpGrains.Interfaces;
using Wire = OtlpGrains.Federation.V1;

namespace OtlpGrains.Gateway.Federation;

/// <summary>This cluster's summary and kept trace written as federation messages.</summary>
internal static class FederationWire
{
    public static Wire.ClusterSummary ToWire(ClusterSummary summary)
    {
        var wire = new Wire.ClusterSummary { Cluster = summary.Cluster, TakenAtUnixNano = UnixNanos(summary.TakenAt) };
        wire.Services.AddRange(summary.Services.Select(s => new Wire.ServiceState
        {
            Name = s.Name,
            Status = s.Status,
            AnomalyScore = s.AnomalyScore,
            Rate = s.Rate,
            ErrorRatio = s.ErrorRatio,
            P95Ms = s.P95Ms,
        }));
        wire.Incidents.AddRange(summary.Incidents.Select(Incident));

        wire.RemoteEdges.AddRange(summary.RemoteEdges.Select(Edge));
        return wire;
    }

    /// <summary>One service's evidence, status and open incidents; <c>found</c> false when <paramref name="evidence"/> is null.</summary>
    public static Wire.ServiceEvidenceReply ToWire(string cluster, ServiceEvidence? evidence, ServiceSummary? summary, IEnumerable<FederatedIncident> incidents)
    {
        var wire = new Wire.ServiceEvidenceReply { Cluster = cluster, Found = evidence is not null };
        if (evidence is null)
        {
            return wire;
        }

        wire.Status = summary?.Status ?? "ok";
        wire.AnomalyScore = summary?.AnomalyScore ?? 0;
        wire.Requests = Shift(evidence.Requests);
        wire.Callees.AddRange(evidence.Callees.Select(c => new Wire.CalleeShift { Server = c.Server, Virtual = c.Virtual, Stats = Shift(c.Stats) }));
        wire.Templates.AddRange(evidence.Templates.Select(t => new Wire.TemplateShift
        {
            Id = t.Id, Template = t.Template, Severity = t.Severity, Count = Count(t.Count), BaselineCount = Count(t.BaselineCount),
        }));
        wire.Paths.AddRange(evidence.Paths.Select(p => new Wire.PathShift
        {
            From = p.From, To = p.To, Followed = Count(p.Followed), Lines = Count(p.Lines), UsualShare = p.UsualShare, Surprise = p.Surprise, Operation = p.Operation ?? string.Empty,
        }));
        wire.Metrics.AddRange(evidence.Metrics.Select(m => new Wire.MetricShift { Name = m.Name, Mean = m.Mean, BaselineMedian = m.BaselineMedian, Deviation = m.Deviation }));
        wire.Incidents.AddRange(incidents.Select(Incident));
        return wire;
    }

    private static Wire.Shift Shift(ShiftStats s) => new()
    {
        Calls = Count(s.Calls), Errors = Count(s.Errors), P99Ms = s.P99Ms, BaselineCalls = Count(s.BaselineCalls), BaselineErrors = Count(s.BaselineErrors), BaselineP99Ms = s.BaselineP99Ms,
    };

    private static ulong Count(long value) => (ulong)Math.Max(0, value);

    private static Wire.OpenIncident Incident(FederatedIncident incident)
    {
        var open = new Wire.OpenIncident
        {
            Id = incident.Id,
            StartedAtUnixNano = UnixNanos(incident.StartedAt),
            DetectedAtUnixNano = UnixNanos(incident.DetectedAt),
            TopCause = incident.TopCause ?? string.Empty,
            TopScore = incident.TopScore,
        };
        open.Services.AddRange(incident.Services);
        return open;
    }

    public static Wire.ServiceGraph ToWire(ClusterGraph graph)
    {
        var wire = new Wire.ServiceGraph { Cluster = graph.Cluster };
        wire.Services.AddRange(graph.Services);
        wire.Edges.AddRange(graph.Edges.Select(Edge));
        return wire;
    }

    private static Wire.Edge Edge(ClusterEdge edge) => new()
    {
        Client = edge.Client,
        Server = edge.Server,
        Virtual = edge.Virtual,
        Calls = Count(edge.Calls),
        Errors = Count(edge.Errors),
        P50Ms = edge.LatencyMs.P50,
        P95Ms = edge.LatencyMs.P95,
        P99Ms = edge.LatencyMs.P99,
        RemoteCluster = edge.Remote?.Cluster ?? string.Empty,
        RemoteService = edge.Remote?.Service ?? string.Empty,
    };

    /// <summary>The kept spans of a trace; <c>found</c> false when this cluster kept none.</summary>
    public static Wire.TraceSpans ToWire(string cluster, TraceView? kept)
    {
        var wire = new Wire.TraceSpans { Cluster = cluster, Found = kept is not null, KeptBecause = kept?.KeptBecause ?? string.Empty };
        foreach (var span in kept?.Spans ?? [])
        {
            wire.Spans.Add(new Wire.Span
            {
                SpanId = ulong.Parse(span.SpanId, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
                ParentSpanId = span.ParentSpanId is null ? 0 : ulong.Parse(span.ParentSpanId, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
                Service = span.Service,
                Name = span.Name,
                Kind = (int)OtlpGrains.Models.Traces.TraceMerge.KindOf(span.Kind),
                StartUnixNano = UnixNanos(span.Start),
                EndUnixNano = UnixNanos(span.End),
                StatusCode = OtlpGrains.Models.Traces.TraceMerge.StatusOf(span.Status),
            });
        }

        return wire;
    }

    private static ulong UnixNanos(DateTimeOffset time) => (ulong)Math.Max(0, OtlpGrains.Models.Traces.TraceMerge.UnixNanos(time));
}
