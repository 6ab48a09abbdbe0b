using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OtlpGrains.Gateway.Security;

namespace OtlpGrains.Gateway.Api;

/// <summary>
/// <c>GET /api/v1/whoami</c>: the name and roles of the key the request came with, so that the console shows an
/// <c>admin</c> key the registry's buttons and a <c>read</c> key none. With no keys configured every request may do
/// everything, and the answer says so (<c>key</c> null, <c>keysConfigured</c> false).
/// </summary>
internal static class WhoAmIApi
{
    public static void Map(IEndpointRouteBuilder routes) => routes.MapGet("/api/v1/whoami", WhoAmI);

    private static IResult WhoAmI(HttpContext context, ApiKeyRing ring)
    {
        var key = context.Features.Get<ApiKey>();
        var roles = ring.IsEmpty ? AccessRoles.Ingest | AccessRoles.Read | AccessRoles.Admin : key?.Roles ?? AccessRoles.None;
        return Results.Json(new
        {
            key = key?.Name,
            roles = AccessRoleNames.Known.Where(n => AccessRoleNames.TryParse(n, out var role) && (roles & role) == role),
            keysConfigured = !ring.IsEmpty,
        }, QueryApi.Json);
    }
}
