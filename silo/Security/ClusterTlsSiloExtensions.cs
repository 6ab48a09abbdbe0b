using OtlpGrains.Gateway.Hosting;
using OtlpGrains.Hosting.Security;

namespace OtlpGrains.Silo.Security;

/// <summary>The silo's side of cluster TLS: silo-to-silo connections both ways and the client gateway port.</summary>
public static class ClusterTlsSiloExtensions
{
    /// <summary>
    /// Listens and connects with mutual TLS when <c>OtlpGrains:Cluster:Tls</c> is set (a silo or client without a
    /// certificate from the cluster CA cannot connect), plain TCP otherwise; says which at start-up.
    /// </summary>
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo, IConfiguration configuration)
    {
        var credentials = ClusterCredentials.FromConfiguration(configuration);
        silo.Services.AddClusterTlsAnnouncement(credentials, "silo-to-silo and client");
        if (credentials is not null)
        {
            silo.Services.AddSingleton(credentials);
            silo.UseTls(credentials.Certificate, tls => ClusterTls.Apply(tls, credentials));
        }

        return silo;
    }
}
