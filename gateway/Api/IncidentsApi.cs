using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OtlpGrains.Gateway.Federation;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Api;

/// <summary>
/// <c>GET /api/v1/incidents?since=&amp;status=</c> (open ones, and those that started after <c>since</c>; status
/// <c>open</c> or <c>resolved</c>), newest first, and <c>GET /api/v1/incidents/{id}</c>: each with its services and
/// its root causes, best first, with their evidence. Times are event time. In a federated cluster a cause in a peer
/// cluster names it (<c>cluster</c>) and carries the peer's own evidence.
/// </summary>
internal static class IncidentsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/incidents", ListAsync);
        routes.MapGet("/api/v1/incidents/{id}", GetAsync);
    }

    private static async Task<IResult> ListAsync(string? since, string? status, IGrainFactory grains, FederationIdentity federation)
    {
        DateTimeOffset? after = null;
        if (!string.IsNullOrEmpty(since))
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                return QueryApi.Error(StatusCodes.Status400BadRequest, $"since must be an RFC 3339 time, e.g. 2026-01-02T15:04:05Z, not '{since}'");
            }

            after = parsed;
        }

        if (status is not (null or "open" or "resolved"))
        {
            return QueryApi.Error(StatusCodes.Status400BadRequest, $"status must be open or resolved, not '{status}'");
        }

        IncidentView[] incidents = await WithRemoteCausesAsync(await Directory(grains).ListAsync(after, status), grains, federation);
        return Results.Json(new { incidents }, QueryApi.Json);
    }

    private static async Task<IResult> GetAsync(string id, IGrainFactory grains, FederationIdentity federation) =>
        await Directory(grains).GetAsync(id) is { } incident
            ? Results.Json((await WithRemoteCausesAsync([incident], grains, federation))[0], QueryApi.Json)
            : QueryApi.Error(StatusCodes.Status404NotFound, $"incident '{id}' is not known (or no longer kept)");

    // In a federated cluster, a cause that is a peer's service is ranked with that peer's evidence (asked live).
    private static async Task<IncidentView[]> WithRemoteCausesAsync(IncidentView[] incidents, IGrainFactory grains, FederationIdentity federation) =>
        federation.Served && incidents.Length > 0
            ? await grains.GetGrain<IFederationGrain>(IFederationGrain.DefaultKey).WithRemoteCausesAsync(incidents)
            : incidents;

    private static IIncidentDirectoryGrain Directory(IGrainFactory grains) => grains.GetGrain<IIncidentDirectoryGrain>(IIncidentDirectoryGrain.DefaultKey);
}
