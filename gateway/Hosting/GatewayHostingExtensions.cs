using System.Net;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtlpGrains.Gateway.Api;
using OtlpGrains.Gateway.Configuration;
using OtlpGrains.Gateway.OpsConsole;
using OtlpGrains.Gateway.Federation;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Gateway.Receivers;
using OtlpGrains.Gateway.Security;
using OtlpGrains.Gateway.Workloads;
using OtlpGrains.Hosting;
using Prometheus;

namespace OtlpGrains.Gateway.Hosting;

/// <summary>Adds the OTLP receivers, the query API, <c>/metrics</c> and health endpoints to a web host.</summary>
public static class GatewayHostingExtensions
{
    /// <summary>
    /// Registers the gateway and its three Kestrel endpoints (OTLP/gRPC HTTP/2-only, OTLP/HTTP, API). The host must
    /// also provide an <see cref="IGrainFactory"/>: a co-hosted silo or an Orleans client.
    /// </summary>
    public static WebApplicationBuilder AddOtlpGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<OtlpReceiverOptions>().BindConfiguration(OtlpReceiverOptions.SectionName).ValidateOnStart();
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateOnStart();
        services.AddOptions<ClusterConnectionOptions>().BindConfiguration(ClusterConnectionOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OtlpReceiverOptions>, GatewayOptionsValidator>();
        services.AddSingleton<IValidateOptions<ApiOptions>, GatewayOptionsValidator>();
        services.AddSingleton<IValidateOptions<ClusterConnectionOptions>, GatewayOptionsValidator>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new InFlightLimiter(sp.GetRequiredService<IOptions<OtlpReceiverOptions>>().Value.MaxInFlightItems));
        services.AddSingleton<GatewayInstruments>();
        services.AddSingleton<ServiceAdmission>();
        services.AddSingleton<IngestPipeline>();
        services.AddSingleton<OtlpHttpReceiver>();
        services.AddSingleton<OtlpGrpcReceiver>();
        services.AddSingleton<IServiceMethodProvider<OtlpGrpcReceiver>, OtlpGrpcMethodProvider>();
        services.AddSingleton<ServiceDirectory>();
        services.AddSingleton<ModelApiInstruments>();
        services.AddSingleton<PrometheusExposition>();
        services.AddSingleton(FederationIdentity.Read(builder.Configuration));
        services.AddGatewayTls();
        services.AddOtlpGatewaySecurity();

        var otlp = builder.Configuration.GetSection(OtlpReceiverOptions.SectionName).Get<OtlpReceiverOptions>() ?? new();
        var api = builder.Configuration.GetSection(ApiOptions.SectionName).Get<ApiOptions>() ?? new();
        var security = SecurityOptions.Read(builder.Configuration);
        otlp.ListenAddress = ListenDefaults.Resolve(otlp.ListenAddress, security);
        api.ListenAddress = ListenDefaults.Resolve(api.ListenAddress, security);
        services.AddGrpc(grpc =>
        {
            // Bigger messages get RESOURCE_EXHAUSTED from the gRPC stack itself.
            grpc.MaxReceiveMessageSize = otlp.MaxRequestBytes;
            grpc.EnableDetailedErrors = false;
        });

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null; // the OTLP/HTTP receiver enforces its own limit, with a reason
            // Invalid settings are left to the options validator, which names them in one line at start.
            if (IPAddress.TryParse(otlp.ListenAddress, out var otlpAddress) && IsPort(otlp.GrpcPort) && IsPort(otlp.HttpPort) && otlp.GrpcPort != otlp.HttpPort)
            {
                kestrel.Listen(otlpAddress, otlp.GrpcPort, o => o.WithProtocols(HttpProtocols.Http2).UseGatewayTls(TlsListener.OtlpGrpc));
                kestrel.Listen(otlpAddress, otlp.HttpPort, o => o.WithProtocols(HttpProtocols.Http1).UseGatewayTls(TlsListener.OtlpHttp));
            }

            if (IPAddress.TryParse(api.ListenAddress, out var apiAddress) && IsPort(api.Port))
            {
                kestrel.Listen(apiAddress, api.Port, o => o.WithProtocols(HttpProtocols.Http1).UseGatewayTls(TlsListener.Api));
            }
        });
        return builder;
    }

    /// <summary>Maps the gateway's endpoints, each on its own port, and logs one line per endpoint at start.</summary>
    public static WebApplication MapOtlpGateway(this WebApplication app)
    {
        // First, so that it listens before any instrument (the receivers' below) records its starting zeros.
        var metrics = app.Services.GetRequiredService<PrometheusExposition>();
        var otlp = app.Services.GetRequiredService<IOptions<OtlpReceiverOptions>>().Value;
        var api = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value;
        var tls = app.Services.GetRequiredService<IOptions<TlsOptions>>().Value;
        ListenPort.UseListenPortCheck(app);
        app.UseOtlpGatewaySecurity();
        app.UseGrpcOversizeCount();
        if (SelfTelemetryExtensions.SelfTracesOn(app.Configuration))
        {
            app.UseSelfTraceRoots(api.Port);
        }

        var grpcPort = new ListenPort(otlp.GrpcPort);
        app.MapGrpcService<OtlpGrpcReceiver>().WithMetadata(grpcPort);

        // The node agents' workload reports, with their spans' port and key role (ingest).
        app.MapGrpcService<WorkloadsGrpcService>().WithMetadata(grpcPort);
        var federation = app.Services.GetRequiredService<FederationIdentity>();
        if (federation.Served)
        {
            // On the OTLP/gRPC port: the one HTTP/2 listener (the API port is HTTP/1.1), with its TLS and mTLS settings.
            app.MapGrpcService<FederationGrpcService>().WithMetadata(grpcPort);
        }

        var httpPort = new ListenPort(otlp.HttpPort);
        var receiver = app.Services.GetRequiredService<OtlpHttpReceiver>();
        app.MapPost("/v1/traces", receiver.TracesAsync).WithMetadata(httpPort);
        app.MapPost("/v1/metrics", receiver.MetricsAsync).WithMetadata(httpPort);
        app.MapPost("/v1/logs", receiver.LogsAsync).WithMetadata(httpPort);

        var apiPort = new ListenPort(api.Port);
        var group = app.MapGroup(string.Empty).WithMetadata(apiPort);
        QueryApi.Map(group);
        ModelsApi.Map(group);
        AnomaliesApi.Map(group);
        IncidentsApi.Map(group);
        FederationApi.Map(group);
        WhoAmIApi.Map(group);
        ConsoleUi.Map(group);
        group.MapMetrics("/metrics", metrics.Registry);
        group.MapGet("/healthz", () => Results.Text("ok\n")).AllowAnonymous(); // Kubernetes probes carry no key
        group.MapGet("/readyz", ReadyAsync).AllowAnonymous();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OtlpGrains.Gateway");
        app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
        {
            logger.LogInformation("OTLP/gRPC  on {Scheme}://{Address}:{Port} (HTTP/2 only; TraceService, MetricsService, LogsService)", tls.Scheme(TlsListener.OtlpGrpc), otlp.ListenAddress, otlp.GrpcPort);
            logger.LogInformation("OTLP/HTTP  on {Scheme}://{Address}:{Port}/v1/traces, /v1/metrics, /v1/logs (protobuf or JSON, gzip)", tls.Scheme(TlsListener.OtlpHttp), otlp.ListenAddress, otlp.HttpPort);
            logger.LogInformation("Query API  on {Scheme}://{Address}:{Port}/api/v1/services, /api/v1/graph, /api/v1/traces/{{traceId}}, /api/v1/anomalies, /api/v1/models", tls.Scheme(TlsListener.Api), api.ListenAddress, api.Port);
            logger.LogInformation("Console    on {Scheme}://{Address}:{Port}/ui (the API's keys; /api/v1/whoami tells the page its roles)", tls.Scheme(TlsListener.Api), api.ListenAddress, api.Port);
            logger.LogInformation("Metrics    on {Scheme}://{Address}:{Port}/metrics; health on /healthz and /readyz", tls.Scheme(TlsListener.Api), api.ListenAddress, api.Port);
            if (federation.Served)
            {
                logger.LogInformation("Federation on {Scheme}://{Address}:{Port} as cluster {Cluster} (otlpgrains.federation.v1.Federation; keys need the read role); federated queries under /api/v1/federation", tls.Scheme(TlsListener.OtlpGrpc), otlp.ListenAddress, otlp.GrpcPort, federation.ClusterName);
            }

            TlsHostingExtensions.LogTlsAtStart(app.Services, logger);
        });
        return app;
    }

    private static bool IsPort(int port) => port is >= 1 and <= 65535;

    /// <summary>
    /// Ready when a grain call reaches the cluster (the catalog answers within a few seconds) and every
    /// <see cref="IReadinessCheck"/> passes.
    /// </summary>
    private static async Task<IResult> ReadyAsync(ServiceDirectory directory, IEnumerable<IReadinessCheck> checks, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var check in checks)
            {
                if (await check.ProblemAsync(cancellationToken) is { } problem)
                {
                    return Results.Text($"not ready: {problem}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
                }
            }

            await directory.NamesAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return Results.Text("ready\n");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Results.Text($"not ready: {exception.GetType().Name}: {exception.Message}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
