using Microsoft.AspNetCore.Builder;

namespace OtlpGrains.Gateway.Hosting;

/// <summary>
/// The gateway on its own, as an Orleans client of a running cluster, for deployments that scale ingest apart from
/// silos. It joins the cluster named by <c>OtlpGrains:Cluster</c> (ids and the silos' client gateway port).
/// </summary>
public static class GatewayApplication
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddOtlpGateway();
        builder.AddOtlpGatewayClusterClient();

        var app = builder.Build();
        app.MapOtlpGateway();
        return app;
    }
}
