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
        foreach (var incident in summary.Incidents)
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
            wire.Incidents.Add(open);
        }

        wire.RemoteEdges.AddRange(summary.RemoteEdges.Select(Edge));
        return wire;
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
        Calls = (ulong)Math.Max(0, edge.Calls),
        Errors = (ulong)Math.Max(0, edge.Errors),
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
                Kind = (int)OtlpGrains.Models.Federation.TraceMerge.KindOf(span.Kind),
                StartUnixNano = UnixNanos(span.Start),
                EndUnixNano = UnixNanos(span.End),
                StatusCode = OtlpGrains.Models.Federation.TraceMerge.StatusOf(span.Status),
            });
        }

        return wire;
    }

    private static ulong UnixNanos(DateTimeOffset time) => (ulong)Math.Max(0, OtlpGrains.Models.Federation.TraceMerge.UnixNanos(time));
}
