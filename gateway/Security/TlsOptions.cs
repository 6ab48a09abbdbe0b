namespace OtlpGrains.Gateway.Security;

/// <summary>
/// TLS on the gateway's listeners (OTLP/gRPC, OTLP/HTTP, API) from PEM files, and optional mutual TLS. Section
/// <c>OtlpGrains:Tls</c>. With no <see cref="CertificatePath"/> every listener stays cleartext, as before.
/// </summary>
public sealed class TlsOptions
{
    public const string SectionName = "OtlpGrains:Tls";

    /// <summary>
    /// PEM file of the server certificate, optionally followed by its intermediates (sent to clients with it). A
    /// changed file is picked up without a restart. Default: none (TLS off).
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM file of the certificate's private key (PKCS#8, PKCS#1 or SEC1, unencrypted). Default: none, the key is read from <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>
    /// PEM bundle of the certificate authorities that sign client certificates. When set, every TLS listener requires
    /// a client certificate that chains to one of them (and only them) and is within its validity period. Default:
    /// none (no client certificates asked for).
    /// </summary>
    public string? ClientCaPath { get; set; }

    /// <summary>TLS on the OTLP/gRPC port (ALPN h2). Default: true (when a certificate is configured).</summary>
    public bool OtlpGrpc { get; set; } = true;

    /// <summary>TLS on the OTLP/HTTP port. Default: true (when a certificate is configured).</summary>
    public bool OtlpHttp { get; set; } = true;

    /// <summary>TLS on the API port (query API, <c>/metrics</c>, health, dashboard). Default: true (when a certificate is configured).</summary>
    public bool Api { get; set; } = true;

    /// <summary>True when a certificate is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);

    /// <summary>True when client certificates are required.</summary>
    public bool MutualTls => Enabled && !string.IsNullOrWhiteSpace(ClientCaPath);

    /// <summary>Whether <paramref name="listener"/> speaks TLS.</summary>
    public bool AppliesTo(TlsListener listener) => Enabled && listener switch
    {
        TlsListener.OtlpGrpc => OtlpGrpc,
        TlsListener.OtlpHttp => OtlpHttp,
        TlsListener.Api => Api,
        _ => throw new ArgumentOutOfRangeException(nameof(listener), listener, null),
    };

    /// <summary><c>https</c> or <c>http</c>, for the start-up lines.</summary>
    public string Scheme(TlsListener listener) => AppliesTo(listener) ? "https" : "http";
}

/// <summary>The gateway's three listeners, each of which TLS can be turned off for.</summary>
public enum TlsListener
{
    OtlpGrpc,
    OtlpHttp,
    Api,
}
