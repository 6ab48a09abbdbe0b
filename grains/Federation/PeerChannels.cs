using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;

namespace OtlpGrains.Grains.Federation;

/// <summary>
/// One gRPC channel per configured peer, made once (HTTP/2 connections are reused across pulls and queries), with the
/// peer's CA and client certificate when set. Disposed with the silo.
/// </summary>
internal sealed class PeerChannels : IDisposable
{
    private readonly Dictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);

    public PeerChannels(IOptions<FederationOptions> options)
    {
        foreach (var peer in options.Value.Peers)
        {
            _channels[peer.Name] = GrpcChannel.ForAddress(peer.Endpoint, new GrpcChannelOptions
            {
                HttpHandler = Handler(peer),
                DisposeHttpClient = true,
                // A summary of 1,000 services is about 60 KB; a trace of 10,000 spans about 1 MB.
                MaxReceiveMessageSize = 16 * 1024 * 1024,
                // The channel's own reconnect backoff (1 s doubling to 2 minutes by default) fails every call fast
                // while it waits, so a peer that came back would stay unreachable long after it answers again. The
                // pulls have their own backoff (PeerBackoff); the channel only needs to try a connection again soon.
                InitialReconnectBackoff = TimeSpan.FromMilliseconds(100),
                MaxReconnectBackoff = TimeSpan.FromSeconds(1),
            });
        }
    }

    public GrpcChannel Of(string peer) => _channels[peer];

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }

    private static SocketsHttpHandler Handler(FederationPeerOptions peer)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        var ssl = new SslClientAuthenticationOptions();
        if (peer.CertificateFile.Length > 0)
        {
            using var pem = X509Certificate2.CreateFromPemFile(peer.CertificateFile, peer.KeyFile);
            // Through PKCS#12 so that the key is usable by the TLS stack on every platform.
            ssl.ClientCertificates = [X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null)];
        }

        if (peer.CaFile.Length > 0)
        {
            var authority = X509CertificateLoader.LoadCertificateFromFile(peer.CaFile);
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedBy(authority, certificate, errors);
        }

        handler.SslOptions = ssl;
        return handler;
    }

    // The peer's certificate must chain to the configured CA alone and name the host we dialled.
    private static bool TrustedBy(X509Certificate2 authority, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
