using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OtlpGrains.Hosting;

/// <summary>
/// Endpoint metadata that pins an endpoint to one listening port, so OTLP paths answer only on the OTLP ports and
/// the API only on the API port. The check is on the socket's local port, not the Host header, so it holds behind a
/// Kubernetes Service that maps ports.
/// </summary>
public sealed record ListenPort(int Port)
{
    /// <summary>Answers 404 when a request reached an endpoint through a port it is not served on.</summary>
    public static IApplicationBuilder UseListenPortCheck(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var required = context.GetEndpoint()?.Metadata.GetMetadata<ListenPort>();
        if (required is not null && required.Port != context.Connection.LocalPort)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await next(context);
    });
}
