using System.Globalization;

namespace OtlpGrains.TestSupport.Security;

/// <summary>A certificate and its private key, both PEM files.</summary>
public sealed record PemCredential(string CertificatePath, string KeyPath);

/// <summary>
/// A throwaway certificate authority made by the <c>openssl</c> CLI (as an operator would make one) in a folder of its
/// own, which issues P-256 leaf certificates. Deleted with its folder on dispose.
/// </summary>
public sealed class OpensslAuthority : IDisposable
{
    private int _issued;

    private OpensslAuthority(string folder, string name)
    {
        Folder = folder;
        Name = name;
    }

    /// <summary>The folder holding the CA and everything it issued.</summary>
    public string Folder { get; }

    /// <summary>The CA's common name.</summary>
    public string Name { get; }

    /// <summary>The CA certificate (PEM): what a peer configures as its trust anchor.</summary>
    public string CertificatePath => Path.Combine(Folder, "ca.pem");

    private string KeyPath => Path.Combine(Folder, "ca.key");

    /// <summary>Makes a self-signed CA named <paramref name="name"/> in a fresh temporary folder.</summary>
    public static async Task<OpensslAuthority> CreateAsync(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "otlpgrains-ca-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var authority = new OpensslAuthority(folder, name);
        try
        {
            await OpensslAsync(
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", authority.KeyPath, "-out", authority.CertificatePath, "-days", "30", "-subj", $"/CN={name}",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            return authority;
        }
        catch
        {
            authority.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Issues a leaf certificate for <paramref name="commonName"/>, valid for 127.0.0.1 and localhost, with the
    /// extended key usages <paramref name="usages"/> (openssl's names, e.g. <c>serverAuth,clientAuth</c>).
    /// </summary>
    public async Task<PemCredential> IssueAsync(string commonName, string usages = "serverAuth,clientAuth")
    {
        var stem = Path.Combine(Folder, $"{Interlocked.Increment(ref _issued).ToString(CultureInfo.InvariantCulture)}-{commonName}");
        var credential = new PemCredential(stem + ".pem", stem + ".key");
        var extensions = stem + ".ext";
        await File.WriteAllTextAsync(extensions, $"""
            basicConstraints = CA:FALSE
            keyUsage = critical, digitalSignature, keyEncipherment
            extendedKeyUsage = {usages}
            subjectAltName = IP:127.0.0.1, DNS:localhost
            """);
        await OpensslAsync(
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", credential.KeyPath, "-out", stem + ".csr", "-subj", $"/CN={commonName}");
        await OpensslAsync(
            "x509", "-req", "-in", stem + ".csr", "-CA", CertificatePath, "-CAkey", KeyPath, "-CAcreateserial",
            "-out", credential.CertificatePath, "-days", "30", "-extfile", extensions);
        return credential;
    }

    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    private static Task<string> OpensslAsync(params string[] arguments) => PostgresFixture.RunAsync("openssl", arguments, asPostgres: false);
}
