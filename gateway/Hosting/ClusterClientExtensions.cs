using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OtlpGrains.Hosting;

namespace OtlpGrains.Gateway.Hosting;

/// <summary>
/// Makes a standalone gateway an Orleans client of the configured cluster: with
/// <c>OtlpGrains:Storage:Provider=postgres</c> it finds the silos' gateways in the PostgreSQL membership table (as on
/// Kubernetes), otherwise it connects to <c>127.0.0.1:OtlpGrains:Cluster:GatewayPort</c>.
/// </summary>
public static class ClusterClientExtensions
{
    public static WebApplicationBuilder AddOtlpGatewayClusterClient(this WebApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection(ClusterConnectionOptions.SectionName).Get<ClusterConnectionOptions>() ?? new();
        var provider = builder.Configuration["OtlpGrains:Storage:Provider"];
        var connectionString = builder.Configuration["OtlpGrains:Storage:ConnectionString"];
        builder.UseOrleansClient(client =>
        {
            if (string.Equals(provider, "postgres", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(connectionString))
            {
                client.Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId;
                    o.ServiceId = cluster.ServiceId;
                });
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = connectionString;
                });
            }
            else
            {
                client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
            }

            client.UseClusterTls(builder.Configuration);
            if (SelfTelemetryExtensions.SelfTracesOn(builder.Configuration))
            {
                client.AddActivityPropagation(); // grain calls as spans, for the self-traces
            }
        });
        return builder;
    }
}
