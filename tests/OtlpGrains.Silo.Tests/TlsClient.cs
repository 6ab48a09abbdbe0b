using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// A TLS client of the gateway that trusts only the test CA (and still checks the host name), presents a client
/// certificate when given one, and remembers the thumbprint of the last server certificate it was shown.
/// </summary>
internal sealed class TlsClient(X509Certificate2 authority, X509Certificate2? clientCertificate = null)
{
    private string? _serverThumbprint;

    /// <summary>The thumbprint of the certificate the server presented on the last handshake, or null before one.</summary>
    public string? ServerThumbprint => Volatile.Read(ref _serverThumbprint);

    /// <summary>A handler with fresh connections (each new handler makes a new TLS handshake).</summary>
    public SocketsHttpHandler Handler() => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = Validate,
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
        },
    };

    public HttpClient Http(Uri? baseAddress = null) => new(Handler()) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(15) };

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is not X509Certificate2 server || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        Volatile.Write(ref _serverThumbprint, server.Thumbprint);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(server);
    }
}
