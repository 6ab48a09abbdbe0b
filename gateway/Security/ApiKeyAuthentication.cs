using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// Checks the <c>authorization: Bearer &lt;key&gt;</c> header (gRPC metadata on 4317, an HTTP header elsewhere)
/// against the endpoint's role before the endpoint runs, so a refusal reads no body and touches no state. An
/// authenticated request carries its <see cref="ApiKey"/> as a feature, for the rate limiter. With no keys configured
/// every request passes.
/// </summary>
internal sealed class ApiKeyAuthentication(RequestDelegate next, ApiKeyRing ring, EndpointAccess access, SecurityInstruments instruments)
{
    private const string Scheme = "Bearer ";

    public Task InvokeAsync(HttpContext context)
    {
        if (ring.IsEmpty)
        {
            return next(context);
        }

        var family = access.FamilyOf(context);
        var role = EndpointAccess.Required(context, family);
        if (role == AccessRoles.None)
        {
            return next(context);
        }

        var presented = BearerKey(context.Request.Headers.Authorization);
        if (presented.IsEmpty)
        {
            return RefuseAsync(context, family, AuthRefusal.Missing, StatusCode.Unauthenticated, "no API key: send the header 'authorization: Bearer <key>'");
        }

        var key = ring.Find(presented);
        if (key is null)
        {
            return RefuseAsync(context, family, AuthRefusal.Unknown, StatusCode.Unauthenticated, "unknown API key");
        }

        if (!key.Holds(role))
        {
            return RefuseAsync(context, family, AuthRefusal.Forbidden, StatusCode.PermissionDenied, $"API key '{key.Name}' does not have the {AccessRoleNames.Name(role)} role");
        }

        context.Features.Set(key);
        return next(context);
    }

    /// <summary>The key after <c>Bearer </c> (scheme in any case), trimmed; empty when there is none.</summary>
    internal static ReadOnlySpan<char> BearerKey(StringValues header)
    {
        if (header.Count == 0 || header[0] is not { } value)
        {
            return default;
        }

        var text = value.AsSpan().Trim();
        return text.Length > Scheme.Length && text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? text[Scheme.Length..].Trim() : default;
    }

    private Task RefuseAsync(HttpContext context, EndpointFamily family, AuthRefusal reason, StatusCode code, string message)
    {
        instruments.Refused(reason, family);
        return RefusalResponse.WriteAsync(context, family, code, message);
    }
}
