using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OtlpGrains.LoadTool;

/// <summary>
/// The tool's TLS as a client (<c>--ca</c>, <c>--client-cert</c>, <c>--client-key</c>): the gateway's certificate
/// must chain to the given CA, which replaces the system's roots as curl's <c>--cacert</c> does (the host name is
/// still checked), and a client certificate is presented when the gateway asks for one (mutual TLS).
/// </summary>
internal sealed class ClientTls
{
    private readonly X509Certificate2Collection? _authorities;
    private readonly X509Certificate2? _clientCertificate;

    private ClientTls(X509Certificate2Collection? authorities, X509Certificate2? clientCertificate)
    {
        _authorities = authorities;
        _clientCertificate = clientCertificate;
    }

    /// <summary>Loads the files the options name; throws <see cref="ClientTlsException"/> with one line when one cannot be used.</summary>
    public static ClientTls Load(LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        X509Certificate2Collection? authorities = null;
        if (options.CaPath is { } caPath)
        {
            authorities = [];
            try
            {
                authorities.ImportFromPemFile(caPath);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new ClientTlsException($"--ca {caPath}: {ex.Message}");
            }

            if (authorities.Count == 0)
            {
                throw new ClientTlsException($"--ca {caPath}: no PEM certificate in the file");
            }
        }

        X509Certificate2? client = null;
        if (options.ClientCertificatePath is { } certificatePath)
        {
            try
            {
                using var ephemeral = X509Certificate2.CreateFromPemFile(certificatePath, options.ClientKeyPath);
                // Through PKCS#12 so that SslStream can use the key on every platform (Windows refuses ephemeral keys).
                client = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new ClientTlsException($"--client-cert {certificatePath} --client-key {options.ClientKeyPath ?? certificatePath}: {ex.Message.ReplaceLineEndings(" ")}");
            }
        }

        return new ClientTls(authorities, client);
    }

    /// <summary>Puts these settings on <paramref name="handler"/>; with none given it keeps the platform's defaults.</summary>
    public SocketsHttpHandler Configure(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_authorities is null && _clientCertificate is null)
        {
            return handler;
        }

        handler.SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = _authorities is null ? null : TrustedByCa,
            ClientCertificates = _clientCertificate is null ? null : [_clientCertificate],
        };
        return handler;
    }

    private bool TrustedByCa(object sender, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (X509ChainElement element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}

/// <summary>A TLS file given on the command line that cannot be used.</summary>
internal sealed class ClientTlsException(string message) : Exception(message);
