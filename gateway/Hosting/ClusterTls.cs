using Microsoft.Extensions.Configuration;
using Orleans.Connections.Security;
using OtlpGrains.Hosting.Security;

namespace OtlpGrains.Gateway.Hosting;

/// <summary>
/// Mutual TLS on Orleans connections with the cluster's certificate (<see cref="ClusterTlsOptions"/>): the standalone
/// gateway's client side here, the silo's in <c>OtlpGrains.Silo.Security</c>, both with the same <see cref="Apply"/>.
/// </summary>
public static class ClusterTls
{
    /// <summary>
    /// Connects this client to the silos with TLS when <c>OtlpGrains:Cluster:Tls</c> is set, and says which it is at
    /// start-up.
    /// </summary>
    public static IClientBuilder UseClusterTls(this IClientBuilder client, IConfiguration configuration)
    {
        var credentials = ClusterCredentials.FromConfiguration(configuration);
        client.Services.AddClusterTlsAnnouncement(credentials, "gateway-to-silo");
        if (credentials is not null)
        {
            client.Services.AddSingleton(credentials);
            client.UseTls(credentials.Certificate, tls => Apply(tls, credentials));
        }

        return client;
    }

    /// <summary>
    /// Both ends present the cluster certificate and require the other's, and the other's must chain to the cluster CA:
    /// the system's trust store plays no part, so a certificate from a public CA does not get in.
    /// </summary>
    public static void Apply(TlsOptions tls, ClusterCredentials credentials)
    {
        tls.LocalCertificate = credentials.Certificate;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateValidation = (peer, chain, _) => credentials.IsTrustedPeer(peer, chain);
    }
}
