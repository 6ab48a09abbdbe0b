using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OtlpGrains.Gateway.Configuration;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Gateway.Security;

namespace OtlpGrains.Gateway.Receivers;

/// <summary>
/// Counts the OTLP/gRPC requests over <c>MaxRequestBytes</c> as <c>too_large</c>, as the HTTP receiver counts its
/// 413s. The gRPC stack refuses those itself (RESOURCE_EXHAUSTED) before any marshaller or interceptor of ours sees
/// the message, so the only trace of them is the status it writes into the trailers.
/// </summary>
internal static class GrpcOversizeCount
{
    /// <summary>The start of Grpc.AspNetCore's message for a request over <c>MaxReceiveMessageSize</c>.</summary>
    internal const string StackMessage = "Received message exceeds the maximum configured message size";

    private static readonly string ResourceExhausted = ((int)StatusCode.ResourceExhausted).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static WebApplication UseGrpcOversizeCount(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var grpcPort = app.Services.GetRequiredService<IOptions<OtlpReceiverOptions>>().Value.GrpcPort;
        var pipeline = app.Services.GetRequiredService<IngestPipeline>();
        app.Use(async (context, next) =>
        {
            await next(context);
            if (context.Connection.LocalPort == grpcPort && IsOversize(context))
            {
                pipeline.Refuse(OtlpRateLimit.SignalOf(context.Request.Path), RefusalReason.TooLarge);
            }
        });
        return app;
    }

    /// <summary>A refusal before any response message goes out as "trailers-only", in the headers.</summary>
    private static bool IsOversize(HttpContext context) =>
        IsOversize(context.Response.Headers) ||
        (context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { } trailers && IsOversize(trailers));

    private static bool IsOversize(IHeaderDictionary status) =>
        status["grpc-status"] == ResourceExhausted &&
        status["grpc-message"].ToString().StartsWith(StackMessage, StringComparison.Ordinal);
}
