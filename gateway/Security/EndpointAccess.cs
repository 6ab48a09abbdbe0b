using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OtlpGrains.Gateway.Configuration;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// Which listener a request came in on and which role it needs: <c>ingest</c> on the OTLP ports, except <c>read</c>
/// for the federation service that peers call on the OTLP/gRPC port; on the API port
/// nothing for endpoints marked <c>AllowAnonymous()</c> (the health probes), <c>read</c> for GET and HEAD, and
/// <c>admin</c> for every other method. The listener is the socket's local port, as for <c>ListenPort</c>, so a
/// request that matches no endpoint still needs a key.
/// </summary>
internal sealed class EndpointAccess(IOptions<OtlpReceiverOptions> otlp)
{
    private readonly int _grpcPort = otlp.Value.GrpcPort;
    private readonly int _httpPort = otlp.Value.HttpPort;

    public EndpointFamily FamilyOf(HttpContext context)
    {
        var port = context.Connection.LocalPort;
        return port == _grpcPort ? EndpointFamily.OtlpGrpc : port == _httpPort ? EndpointFamily.OtlpHttp : EndpointFamily.Api;
    }

    /// <summary>The path prefix of the federation service, which shares the OTLP/gRPC port but only reads.</summary>
    public const string FederationPrefix = "/otlpgrains.federation.v1.Federation/";

    /// <summary>A call to the federation service (a peer cluster's pull or trace query), not an OTLP export.</summary>
    public static bool IsFederation(HttpContext context) =>
        context.Request.Path.StartsWithSegments(FederationPrefix.TrimEnd('/'), StringComparison.Ordinal);

    public static AccessRoles Required(HttpContext context, EndpointFamily family)
    {
        if (family == EndpointFamily.OtlpGrpc && IsFederation(context))
        {
            return AccessRoles.Read;
        }

        if (family != EndpointFamily.Api)
        {
            return AccessRoles.Ingest;
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return AccessRoles.None;
        }

        var method = context.Request.Method;
        return HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? AccessRoles.Read : AccessRoles.Admin;
    }

    /// <summary>The label value of a family on the refusal counter.</summary>
    public static string Name(EndpointFamily family) => family switch
    {
        EndpointFamily.OtlpGrpc => "otlp_grpc",
        EndpointFamily.OtlpHttp => "otlp_http",
        _ => "api",
    };
}
