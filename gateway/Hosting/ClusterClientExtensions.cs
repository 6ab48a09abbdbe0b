using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace OtlpGrains.Gateway.Hosting;

/// <summary>Makes a standalone gateway an Orleans client of the configured cluster.</summary>
public static class ClusterClientExtensions
{
    public static WebApplicationBuilder AddOtlpGatewayClusterClient(this WebApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection(ClusterConnectionOptions.SectionName).Get<ClusterConnectionOptions>() ?? new();
        builder.UseOrleansClient(client =>
            client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId));
        return builder;
    }
}
