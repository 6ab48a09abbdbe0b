using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// One loaded version of the TLS files: the server certificate with its key and intermediates, ready for
/// <see cref="SslStream"/>, and the client CA bundle when mutual TLS is on. Immutable: a rotation makes a new one.
/// </summary>
internal sealed class TlsCredentials
{
    private TlsCredentials(X509Certificate2 certificate, SslStreamCertificateContext context, X509Certificate2Collection? clientAuthorities, CertificateFileStamps stamps)
    {
        Certificate = certificate;
        Context = context;
        ClientAuthorities = clientAuthorities;
        Stamps = stamps;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate and its chain, built once here instead of on every handshake.</summary>
    public SslStreamCertificateContext Context { get; }

    /// <summary>The only trust anchors for client certificates, or null when mutual TLS is off.</summary>
    public X509Certificate2Collection? ClientAuthorities { get; }

    /// <summary>The files' stamps as they were read just before loading.</summary>
    public CertificateFileStamps Stamps { get; }

    /// <summary>
    /// Loads the files <paramref name="options"/> names; throws <see cref="TlsFileException"/> with one line naming
    /// the file when one is unreadable, not PEM, or when the key does not match the certificate.
    /// </summary>
    public static TlsCredentials Load(TlsOptions options, CertificateFileStamps stamps)
    {
        ArgumentNullException.ThrowIfNull(options);
        var certificatePath = options.CertificatePath!;
        var keyPath = string.IsNullOrWhiteSpace(options.KeyPath) ? null : options.KeyPath;
        X509Certificate2 certificate;
        X509Certificate2Collection chain = [];
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            chain.ImportFromPemFile(certificatePath);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new TlsFileException($"cannot load the certificate '{certificatePath}' with the key '{keyPath ?? certificatePath}': {OneLine(exception)}", exception);
        }

        if (OperatingSystem.IsWindows())
        {
            // SChannel cannot use the ephemeral key a PEM import makes; OpenSSL (Linux) can, so only Windows pays for
            // the round trip through PKCS#12.
            using var ephemeral = certificate;
            certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        }

        // The file's first certificate is the server's; the rest are intermediates sent with it. offline: the
        // handshake path must never wait on the network to fetch a missing intermediate.
        var intermediates = new X509Certificate2Collection();
        foreach (var extra in chain.Skip(1))
        {
            intermediates.Add(extra);
        }

        SslStreamCertificateContext context;
        try
        {
            context = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
        }
        catch (CryptographicException exception)
        {
            throw new TlsFileException($"cannot use the certificate '{certificatePath}': {OneLine(exception)}", exception);
        }

        return new TlsCredentials(certificate, context, LoadAuthorities(options.ClientCaPath), stamps);
    }

    private static X509Certificate2Collection? LoadAuthorities(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        X509Certificate2Collection authorities = [];
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new TlsFileException($"cannot load the client CA bundle '{path}': {OneLine(exception)}", exception);
        }

        return authorities.Count > 0 ? authorities : throw new TlsFileException($"the client CA bundle '{path}' holds no PEM certificate");
    }

    private static string OneLine(Exception exception) => exception.Message.ReplaceLineEndings(" ").Trim();
}

/// <summary>A TLS file that cannot be used, with a one-line message naming it.</summary>
public sealed class TlsFileException : Exception
{
    public TlsFileException()
    {
    }

    public TlsFileException(string message)
        : base(message)
    {
    }

    public TlsFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
