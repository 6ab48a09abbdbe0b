using System.Net.Security;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// The TLS settings of one incoming connection: the certificate <see cref="CertificateRotation"/> serves now, and
/// under mutual TLS a required client certificate judged by <see cref="ClientCertificatePolicy"/> against the CA
/// bundle loaded with that certificate. ALPN is left to Kestrel, which offers what the listener speaks (h2 only
/// on OTLP/gRPC, http/1.1 on the others).
/// </summary>
internal sealed class TlsHandshake(CertificateRotation rotation, ClientCertificatePolicy policy)
{
    public ValueTask<SslServerAuthenticationOptions> OptionsAsync(TlsHandshakeCallbackContext context)
    {
        var credentials = rotation.Current;
        var options = new SslServerAuthenticationOptions { ServerCertificateContext = credentials.Context };
        if (credentials.ClientAuthorities is { } authorities)
        {
            options.ClientCertificateRequired = true;
            options.RemoteCertificateValidationCallback = (_, certificate, chain, _) => policy.Admit(certificate, chain, authorities);
        }

        return ValueTask.FromResult(options);
    }
}
