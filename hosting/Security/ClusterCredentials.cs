using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace OtlpGrains.Hosting.Security;

/// <summary>
/// This process's cluster certificate with its key, and the cluster CA that every peer's certificate must chain to.
/// Loaded once at start-up from <see cref="ClusterTlsOptions"/>; a setting that cannot work (a missing file, a
/// certificate the CA did not issue, an expired one) stops start-up with one line naming it.
/// </summary>
public sealed class ClusterCredentials : IDisposable
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    private ClusterCredentials(X509Certificate2 certificate, X509Certificate2 authority)
    {
        Certificate = certificate;
        Authority = authority;
    }

    /// <summary>The certificate presented to peers, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The cluster CA.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The credentials configured under <see cref="ClusterTlsOptions.SectionName"/>; null when cluster TLS is off.</summary>
    public static ClusterCredentials? FromConfiguration(IConfiguration configuration) =>
        Load(configuration.GetSection(ClusterTlsOptions.SectionName).Get<ClusterTlsOptions>() ?? new());

    /// <summary>The credentials <paramref name="options"/> name; null when cluster TLS is off.</summary>
    /// <exception cref="OptionsValidationException">A setting is missing or names a file that cannot be used.</exception>
    public static ClusterCredentials? Load(ClusterTlsOptions options)
    {
        if (!options.IsEnabled)
        {
            return null;
        }

        var certificatePath = Require(options.CertificatePath, nameof(options.CertificatePath));
        var keyPath = Require(options.KeyPath, nameof(options.KeyPath));
        var caPath = Require(options.CaPath, nameof(options.CaPath));
        if (!File.Exists(keyPath))
        {
            throw Invalid($"{ClusterTlsOptions.SectionName}:KeyPath {keyPath} does not exist");
        }

        var authority = Read(nameof(options.CaPath), caPath, () => X509Certificate2.CreateFromPem(File.ReadAllText(caPath)));
        var certificate = Read(nameof(options.CertificatePath), certificatePath, () => WithUsableKey(X509Certificate2.CreateFromPemFile(certificatePath, keyPath)));
        var credentials = new ClusterCredentials(certificate, authority);
        if (!credentials.Chains(certificate, extra: null, out var status))
        {
            credentials.Dispose();
            throw Invalid($"{ClusterTlsOptions.SectionName}:CertificatePath {certificatePath} does not chain to the CA in CaPath {caPath}: {status}");
        }

        if (!AllowsUsage(certificate, ServerAuth) || !AllowsUsage(certificate, ClientAuth))
        {
            credentials.Dispose();
            throw Invalid($"{ClusterTlsOptions.SectionName}:CertificatePath {certificatePath} must allow both serverAuth and clientAuth (extendedKeyUsage): a silo accepts and opens connections");
        }

        return credentials;
    }

    /// <summary>
    /// Whether a peer's certificate chains to the cluster CA (and to nothing else): the check both ends of every silo
    /// and gateway connection make. The host name is not checked: silos are reached at addresses (pod IPs) that change
    /// with every restart, so membership in the cluster is what the CA's signature says.
    /// </summary>
    public bool IsTrustedPeer(X509Certificate2 peer, X509Chain? presented)
    {
        // Intermediates the peer sent may help to build the chain; they are never trusted by themselves.
        var extra = presented?.ChainElements.Select(e => e.Certificate).Where(c => !c.Equals(peer)).ToArray();
        return Chains(peer, extra, out _);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Authority.Dispose();
    }

    private bool Chains(X509Certificate2 certificate, X509Certificate2[]? extra, out string status)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);

        // A private cluster CA publishes no revocation lists; a certificate is withdrawn by replacing the CA.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (extra is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(extra);
        }

        var built = chain.Build(certificate);
        status = built ? "valid" : string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Distinct());
        return built;
    }

    private static bool AllowsUsage(X509Certificate2 certificate, string oid)
    {
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().ToArray();
        return usages.Length == 0 || usages.Any(u => u.EnhancedKeyUsages[oid] is not null);
    }

    // A key read from PEM lives only in memory; exporting and reloading it as PKCS#12 gives TLS a key it can use
    // on every platform (SslStream refuses ephemeral keys on some).
    private static X509Certificate2 WithUsableKey(X509Certificate2 pem)
    {
        using (pem)
        {
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        }
    }

    private static string Require(string? value, string name) =>
        string.IsNullOrWhiteSpace(value)
            ? throw Invalid($"{ClusterTlsOptions.SectionName}:{name} is required when any of CertificatePath, KeyPath and CaPath is set")
            : value;

    private static X509Certificate2 Read(string name, string path, Func<X509Certificate2> read)
    {
        if (!File.Exists(path))
        {
            throw Invalid($"{ClusterTlsOptions.SectionName}:{name} {path} does not exist");
        }

        try
        {
            return read();
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw Invalid($"{ClusterTlsOptions.SectionName}:{name} {path} cannot be read as PEM: {exception.Message}");
        }
    }

    private static OptionsValidationException Invalid(string message) =>
        new(ClusterTlsOptions.SectionName, typeof(ClusterTlsOptions), [message]);
}
