using Microsoft.AspNetCore.Builder;
using OtlpGrains.Hosting;

namespace OtlpGrains.Gateway.Hosting;

/// <summary>
/// The gateway on its own, as an Orleans client of a running cluster, for deployments that scale ingest apart from
/// silos. It joins the cluster named by <c>OtlpGrains:Cluster</c> (ids and the silos' client gateway port).
/// </summary>
public static class GatewayApplication
{
    public static WebApplication Build(string[] args)
    {
        // Settings files sit next to the binaries, whatever directory the process starts in.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddOtlpGrainsLogging();
        builder.AddOtlpGateway();
        builder.AddOtlpGatewayClusterClient();
        builder.AddOtlpGrainsSelfTelemetry();

        var app = builder.Build();
        app.MapOtlpGateway();
        return app;
    }
}
