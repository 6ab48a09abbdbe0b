using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// Checks the <c>authorization: Bearer &lt;key&gt;</c> header (gRPC metadata on 4317, an HTTP header elsewhere)
/// against the endpoint's role before the endpoint runs, so a refusal reads no body and touches no state. A browser,
/// which cannot send a bearer key, may give the key as the password of <c>Basic</c> authentication (any user name):
/// that is how the dashboard is opened. An authenticated request carries its <see cref="ApiKey"/> as a feature, for
/// the rate limiter and the per-key limits. With no keys configured every request passes.
/// </summary>
internal sealed class ApiKeyAuthentication(RequestDelegate next, ApiKeyRing ring, EndpointAccess access, SecurityInstruments instruments)
{
    private const string Scheme = "Bearer ";
    private const string BasicScheme = "Basic ";

    /// <summary>Longest base64 of <c>user:key</c> looked at: a bound on the work a stranger can ask for.</summary>
    private const int MaxBasicChars = 4096;

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

        if (!TryPresented(context.Request.Headers.Authorization, out var key))
        {
            return RefuseAsync(context, family, AuthRefusal.Missing, StatusCode.Unauthenticated, "no API key: send the header 'authorization: Bearer <key>'");
        }

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

    /// <summary>
    /// False when the header presents no key; otherwise true, with the configured key it matches (null when none does),
    /// given as <c>Bearer &lt;key&gt;</c> or as the password of <c>Basic</c>.
    /// </summary>
    private bool TryPresented(StringValues header, out ApiKey? key)
    {
        key = null;
        var bearer = BearerKey(header);
        if (!bearer.IsEmpty)
        {
            key = ring.Find(bearer);
            return true;
        }

        var encoded = BasicCredentials(header);
        if (encoded.IsEmpty)
        {
            return false;
        }

        if (encoded.Length > MaxBasicChars)
        {
            return true;
        }

        Span<byte> bytes = stackalloc byte[MaxBasicChars / 4 * 3];
        if (!Convert.TryFromBase64Chars(encoded, bytes, out var length))
        {
            return true;
        }

        var credentials = bytes[..length];
        var password = credentials[(credentials.IndexOf((byte)':') + 1)..];
        Span<char> chars = stackalloc char[password.Length];
        try
        {
            var count = System.Text.Encoding.UTF8.GetChars(password, chars);
            if (count == 0)
            {
                return false;
            }

            key = ring.Find(chars[..count]);
            return true;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(credentials);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chars));
        }
    }

    /// <summary>The base64 after <c>Basic </c> (scheme in any case), trimmed; empty when there is none.</summary>
    private static ReadOnlySpan<char> BasicCredentials(StringValues header)
    {
        if (header.Count == 0 || header[0] is not { } value)
        {
            return default;
        }

        var text = value.AsSpan().Trim();
        return text.Length > BasicScheme.Length && text.StartsWith(BasicScheme, StringComparison.OrdinalIgnoreCase) ? text[BasicScheme.Length..].Trim() : default;
    }

    private Task RefuseAsync(HttpContext context, EndpointFamily family, AuthRefusal reason, StatusCode code, string message)
    {
        instruments.Refused(reason, family);
        return RefusalResponse.WriteAsync(context, family, code, message);
    }
}
