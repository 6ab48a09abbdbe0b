using System.Net;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using OtlpGrains.Gateway.Hosting;
using OtlpGrains.Grains;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Silo;

/// <summary>Configures the Orleans silo: clustering, storage, grains, dashboard.</summary>
public static class SiloHostingExtensions
{
    /// <summary>
    /// A silo on the configured ports. Single-node defaults: localhost clustering and in-memory storage, which the
    /// silo says at start-up.
    /// </summary>
    public static WebApplicationBuilder AddOtlpGrainsSilo(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StorageOptions>, SiloOptionsValidator>();

        var cluster = builder.Configuration.GetSection(ClusterConnectionOptions.SectionName).Get<ClusterConnectionOptions>() ?? new();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            silo.Configure<EndpointOptions>(endpoints => endpoints.AdvertisedIPAddress = IPAddress.Loopback);
            silo.AddMemoryGrainStorage(StorageNames.Services);
            silo.AddBoundedMemoryTraceStore();
            silo.AddOtlpGrains();
            silo.AddDashboard();
        });
        return builder;
    }

    /// <summary>Maps the Orleans dashboard at <c>/dashboard</c> on the API port and logs where the silo stands.</summary>
    public static WebApplication MapOtlpGrainsDashboard(this WebApplication app)
    {
        var api = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value;
        var cluster = app.Services.GetRequiredService<IOptions<ClusterConnectionOptions>>().Value;
        var storage = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        app.MapOrleansDashboard(routePrefix: "/dashboard");

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OtlpGrains.Silo");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            logger.LogInformation("Dashboard  on http://{Address}:{Port}/dashboard", api.ListenAddress == "0.0.0.0" ? "127.0.0.1" : api.ListenAddress, api.Port);
            logger.LogInformation("Cluster    {ClusterId}/{ServiceId}: localhost clustering, silo port {SiloPort}, client gateway port {GatewayPort}",
                cluster.ClusterId, cluster.ServiceId, cluster.SiloPort, cluster.GatewayPort);
            logger.LogInformation("Storage    {Provider}: grain state lives in this silo's memory and is lost when it stops", storage.Provider);
        });
        return app;
    }
}
