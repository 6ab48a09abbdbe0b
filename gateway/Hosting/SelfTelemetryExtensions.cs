using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OtlpGrains.Gateway.Api;

namespace OtlpGrains.Gateway.Hosting;

/// <summary>
/// The process's own traces and metrics over OTLP, on when the standard variables name an endpoint:
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> for both, or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> /
/// <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c> for one. The exporter reads the other <c>OTEL_*</c> settings
/// (protocol, headers, intervals) itself. Off, nothing is registered.
/// </summary>
public static class SelfTelemetryExtensions
{
    /// <summary>The resource's <c>service.name</c> unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "otlpgrains";

    private const string Endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string TracesEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    private const string MetricsEndpoint = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";

    // The API requests' spans, and Orleans' sources (grain calls appear once the silo or client adds activity propagation).
    private static readonly string[] Sources = [ApiSourceName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    private const string ApiSourceName = "OtlpGrains.Gateway.Api";

    private static readonly ActivitySource ApiSource = new(ApiSourceName);

    /// <summary>True when the configuration names an endpoint for this process's own traces.</summary>
    public static bool SelfTracesOn(IConfiguration configuration) => IsSet(configuration, TracesEndpoint) || IsSet(configuration, Endpoint);

    /// <summary>True when the configuration names an endpoint for this process's own metrics.</summary>
    public static bool SelfMetricsOn(IConfiguration configuration) => IsSet(configuration, MetricsEndpoint) || IsSet(configuration, Endpoint);

    /// <summary>Registers the OTLP export of this process's meters and Orleans' sources, for what the variables turn on.</summary>
    public static WebApplicationBuilder AddOtlpGrainsSelfTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        bool traces = SelfTracesOn(builder.Configuration);
        bool metrics = SelfMetricsOn(builder.Configuration);
        if (!traces && !metrics)
        {
            return builder;
        }

        bool named = IsSet(builder.Configuration, "OTEL_SERVICE_NAME"); // the SDK reads it itself
        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(resource =>
        {
            if (!named)
            {
                resource.AddService(ServiceName);
            }
        });
        if (traces)
        {
            telemetry.WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new SelfTraceSampler()))
                .AddSource(Sources)
                .AddOtlpExporter());
        }

        if (metrics)
        {
            telemetry.WithMetrics(meters => meters
                .AddMeter("OtlpGrains.*", PrometheusExposition.OrleansMeter)
                .AddOtlpExporter());
        }

        return builder;
    }

    /// <summary>
    /// Starts a self-trace for each query API request but <c>/metrics</c> (and for nothing else): a SERVER span named
    /// by the route, the parent of the grain calls it makes. See <see cref="SelfTraceSampler"/>.
    /// </summary>
    internal static IApplicationBuilder UseSelfTraceRoots(this IApplicationBuilder app, int apiPort) => app.Use(async (context, next) =>
    {
        // Scrapes come every few seconds and would drown the traces worth reading.
        if (context.Connection.LocalPort != apiPort || context.Request.Path == "/metrics")
        {
            await next(context);
            return;
        }

        SelfTraceSampler.MarkApiRequest();
        // A root of its own: ASP.NET Core's request activity, when something made it, is not recorded, and a child
        // of an unrecorded span is not either.
        Activity.Current = null;
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value;
        using var activity = ApiSource.StartActivity($"{context.Request.Method} {route}", ActivityKind.Server);
        activity?.SetTag("http.request.method", context.Request.Method);
        activity?.SetTag("http.route", route);
        await next(context);
        activity?.SetTag("http.response.status_code", context.Response.StatusCode);
    });

    private static bool IsSet(IConfiguration configuration, string key) => !string.IsNullOrWhiteSpace(configuration[key]);
}
