using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OtlpGrains.Gateway.Api;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Federation;

namespace OtlpGrains.Gateway.Federation;

/// <summary>
/// <c>GET /api/v1/federation/services</c> and <c>/incidents</c>: this cluster's answer merged with each peer's latest
/// summary; <c>/graph</c>: every cluster's service graph, asked live, joined at the cross-cluster edges; and <c>GET /api/v1/traces/{id}?federated=true</c>: the trace merged from every cluster's kept part, asked
/// live. Every answer says which clusters answered (<c>partial</c>, <c>clusters</c>), as Thanos's partial responses do.
/// </summary>
internal static class FederationApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/federation/services", ServicesAsync);
        routes.MapGet("/api/v1/federation/incidents", IncidentsAsync);
        routes.MapGet("/api/v1/federation/graph", GraphAsync);
    }

    /// <summary>The one-line answer of a federated query when this cluster is not federated.</summary>
    public const string Off = "federation is off: set OtlpGrains:Federation:ClusterName (and Peers) to federate this cluster";

    private static async Task<IResult> ServicesAsync(IGrainFactory grains, FederationIdentity identity)
    {
        if (!identity.Served)
        {
            return QueryApi.Error(StatusCodes.Status404NotFound, Off);
        }

        var view = await Grain(grains).GetViewAsync();
        var (partial, clusters) = FederatedSummaries.Answers(view);
        return Results.Json(new { partial, clusters, services = FederatedSummaries.Services(view) }, QueryApi.Json);
    }

    private static async Task<IResult> IncidentsAsync(IGrainFactory grains, FederationIdentity identity)
    {
        if (!identity.Served)
        {
            return QueryApi.Error(StatusCodes.Status404NotFound, Off);
        }

        var view = await Grain(grains).GetViewAsync();
        var (partial, clusters) = FederatedSummaries.Answers(view);
        return Results.Json(new { partial, clusters, incidents = FederatedSummaries.Incidents(view) }, QueryApi.Json);
    }

    // The graphs are asked live; the nodes' statuses come from the summaries (a peer's latest copy).
    private static async Task<IResult> GraphAsync(IGrainFactory grains, FederationIdentity identity)
    {
        if (!identity.Served)
        {
            return QueryApi.Error(StatusCodes.Status404NotFound, Off);
        }

        var federation = Grain(grains);
        var graph = federation.GetGraphAsync().AsTask();
        var view = await federation.GetViewAsync();
        var status = FederatedSummaries.Services(view).ToDictionary(s => (s.Cluster, s.Name), s => s.Status);
        var merged = await graph;
        var (nodes, edges) = GraphMerge.Merge(merged.Graphs, (cluster, name) => status.GetValueOrDefault((cluster, name)));
        var partial = merged.Clusters.Any(c => c.Status != ClusterStatus.Ok);
        return Results.Json(new { partial, clusters = merged.Clusters, nodes, edges }, QueryApi.Json);
    }

    /// <summary>The federated trace; 404 when no cluster that answered kept any of it (the body still says which did not).</summary>
    public static async Task<IResult> TraceAsync(string traceId, IGrainFactory grains)
    {
        var merged = await Grain(grains).GetTraceAsync(traceId);
        var partial = merged.Clusters.Any(c => c.Status != ClusterStatus.Ok);
        if (merged.Trace is not { } trace)
        {
            return Results.Json(
                new { error = $"trace {traceId} was not kept by any cluster that answered", partial, clusters = merged.Clusters },
                QueryApi.Json,
                statusCode: StatusCodes.Status404NotFound);
        }

        return Results.Json(new
        {
            trace.TraceId,
            partial,
            clusters = merged.Clusters,
            spans = trace.Spans.Select(s => new
            {
                s.SpanId,
                s.ParentSpanId,
                cluster = merged.SpanClusters.GetValueOrDefault(s.SpanId),
                s.Service,
                s.Name,
                s.Kind,
                s.Start,
                s.End,
                s.DurationMs,
                s.Status,
            }),
            trace.CriticalPath,
            trace.SelfTimeMs,
            trace.Orphans,
            trace.CutSpans,
            trace.KeptBecause,
        }, QueryApi.Json);
    }

    private static IFederationGrain Grain(IGrainFactory grains) => grains.GetGrain<IFederationGrain>(IFederationGrain.DefaultKey);
}
