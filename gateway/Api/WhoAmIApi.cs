using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OtlpGrains.Gateway.Security;

namespace OtlpGrains.Gateway.Api;

/// <summary>
/// <c>GET /api/v1/whoami</c>: the name and roles of the bearer key the request came with, so that the console asks
/// for a key when it has none that reads, and shows an <c>admin</c> key the registry's buttons and a <c>read</c> key
/// none. It needs no key itself and says no more than a refusal would (an unknown key gets no name and no roles), so
/// the page learns this without a failed request in its console. With no keys configured every request may do
/// everything, and the answer says so (<c>keysConfigured</c> false).
/// </summary>
internal static class WhoAmIApi
{
    public static void Map(IEndpointRouteBuilder routes) => routes.MapGet("/api/v1/whoami", WhoAmI).AllowAnonymous();

    private static IResult WhoAmI(HttpContext context, ApiKeyRing ring)
    {
        var key = ring.IsEmpty ? null : ring.Find(ApiKeyAuthentication.BearerKey(context.Request.Headers.Authorization));
        var roles = ring.IsEmpty ? AccessRoles.Ingest | AccessRoles.Read | AccessRoles.Admin : key?.Roles ?? AccessRoles.None;
        return Results.Json(new
        {
            key = key?.Name,
            roles = AccessRoleNames.Known.Where(n => AccessRoleNames.TryParse(n, out var role) && (roles & role) == role),
            keysConfigured = !ring.IsEmpty,
        }, QueryApi.Json);
    }
}
