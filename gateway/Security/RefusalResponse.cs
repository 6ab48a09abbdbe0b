using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using OtlpGrains.Gateway.Otlp;
using OtlpGrains.Gateway.Receivers;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// Writes a refusal made before the endpoint runs, in the form the listener's clients read: a gRPC status in the
/// trailers of an HTTP 200 on OTLP/gRPC, a <c>google.rpc.Status</c> in the request's encoding on OTLP/HTTP, and a
/// line of text on the API. The request body is never read.
/// </summary>
internal static class RefusalResponse
{
    public static Task WriteAsync(HttpContext context, EndpointFamily family, StatusCode grpcCode, string message, int? retryAfterSeconds = null) =>
        family switch
        {
            EndpointFamily.OtlpGrpc => WriteGrpcAsync(context, grpcCode, message, retryAfterSeconds),
            EndpointFamily.OtlpHttp => WriteOtlpHttpAsync(context, grpcCode, message, retryAfterSeconds),
            _ => WriteTextAsync(context, grpcCode, message, retryAfterSeconds),
        };

    public static int HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>
    /// Headers first, then the status as trailers: the OTel .NET exporter reads a RESOURCE_EXHAUSTED's retry delay
    /// from the trailers only, and an HTTP status other than 200 would reach it as a transport failure, not a status.
    /// </summary>
    private static async Task WriteGrpcAsync(HttpContext context, StatusCode code, string message, int? retryAfterSeconds)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        await response.StartAsync(context.RequestAborted);
        response.AppendTrailer("grpc-status", ((int)code).ToString(CultureInfo.InvariantCulture));
        response.AppendTrailer("grpc-message", Uri.EscapeDataString(message));
        if (retryAfterSeconds is { } seconds)
        {
            response.AppendTrailer("grpc-status-details-bin", Convert.ToBase64String(GrpcOutcome.StatusDetails((int)code, message, seconds)));
        }
    }

    private static async Task WriteOtlpHttpAsync(HttpContext context, StatusCode code, string message, int? retryAfterSeconds)
    {
        var response = context.Response;
        Headers(response, code, retryAfterSeconds);
        var json = context.Request.ContentType is { } type && type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        response.ContentType = json ? "application/json" : "application/x-protobuf";
        await response.Body.WriteAsync(json ? OtlpJson.Format(status) : status.ToByteArray(), context.RequestAborted);
    }

    private static async Task WriteTextAsync(HttpContext context, StatusCode code, string message, int? retryAfterSeconds)
    {
        Headers(context.Response, code, retryAfterSeconds);
        if (code == StatusCode.Unauthenticated)
        {
            // A browser asks for a user name and password on Basic; the key goes in as the password (the dashboard).
            context.Response.Headers.WWWAuthenticate = new StringValues(["Bearer", "Basic realm=\"OtlpGrains\", charset=\"UTF-8\""]);
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }

    private static void Headers(HttpResponse response, StatusCode code, int? retryAfterSeconds)
    {
        response.StatusCode = HttpStatusOf(code);
        if (code == StatusCode.Unauthenticated)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
    }
}
