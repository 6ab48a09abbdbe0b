using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OtlpGrains.TestSupport;

/// <summary>
/// A throwaway certificate authority made with the <c>openssl</c> CLI in a folder of its own, the way an operator
/// makes a test CA (the README's commands): EC P-256 keys, a self-signed CA, and server, client or cluster member
/// certificates it signs, including expired ones (<c>openssl ca</c> with a start and end date in the past). Disposing
/// it deletes its folder.
/// </summary>
public sealed class OpensslTestCa : IDisposable
{
    private int _issued;

    private OpensslTestCa(string folder, string name)
    {
        Folder = folder;
        Name = name;
        CertificatePath = Path.Combine(folder, $"{name}-ca.crt");
        KeyPath = Path.Combine(folder, $"{name}-ca.key");
    }

    public string Folder { get; }

    public string Name { get; }

    /// <summary>The CA's certificate (PEM): what a client trusts, or the server's <c>ClientCaPath</c>.</summary>
    public string CertificatePath { get; }

    public string KeyPath { get; }

    /// <summary>Makes a CA named <paramref name="name"/> in <paramref name="folder"/>.</summary>
    public static OpensslTestCa Create(string folder, string name)
    {
        Directory.CreateDirectory(folder);
        var ca = new OpensslTestCa(folder, name);
        Openssl(folder, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", ca.KeyPath, "-out", ca.CertificatePath,
            "-days", "30", "-subj", $"/CN={name} test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return ca;
    }

    /// <summary>Makes a CA named <paramref name="name"/> in a fresh temporary folder.</summary>
    public static Task<OpensslTestCa> CreateTemporaryAsync(string name) => Task.Run(() =>
        Create(Path.Combine(Path.GetTempPath(), "otlpgrains-ca-" + Guid.NewGuid().ToString("N")[..12]), name));

    /// <summary>The CA certificate, loaded.</summary>
    public X509Certificate2 Load() => X509CertificateLoader.LoadCertificateFromFile(CertificatePath);

    /// <summary>A server certificate for <c>localhost</c> and <c>127.0.0.1</c>, valid for 30 days, as <c>{file}.crt</c> and <c>{file}.key</c>.</summary>
    public IssuedCertificate IssueServer(string file) =>
        Issue(file, "serverAuth", "subjectAltName=DNS:localhost,IP:127.0.0.1", expired: false);

    /// <summary>A client certificate (extended key usage clientAuth), valid for 30 days.</summary>
    public IssuedCertificate IssueClient(string file) => Issue(file, "clientAuth", null, expired: false);

    /// <summary>A client certificate whose validity ended in 2020.</summary>
    public IssuedCertificate IssueExpiredClient(string file) => Issue(file, "clientAuth", null, expired: true);

    /// <summary>
    /// A certificate for <paramref name="commonName"/>, valid for 30 days for <c>localhost</c> and <c>127.0.0.1</c>,
    /// with the extended key usages <paramref name="usages"/> (openssl's names): by default those of a cluster
    /// member, which both accepts and opens connections.
    /// </summary>
    public Task<IssuedCertificate> IssueAsync(string commonName, string usages = "serverAuth,clientAuth")
    {
        var file = $"{Interlocked.Increment(ref _issued).ToString(CultureInfo.InvariantCulture)}-{commonName}";
        return Task.Run(() => Issue(file, usages, "subjectAltName=DNS:localhost,IP:127.0.0.1", expired: false, commonName));
    }

    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    private IssuedCertificate Issue(string file, string usage, string? altNames, bool expired, string? commonName = null)
    {
        var issued = new IssuedCertificate(Path.Combine(Folder, file + ".crt"), Path.Combine(Folder, file + ".key"));
        var request = Path.Combine(Folder, file + ".csr");
        var extensions = Path.Combine(Folder, file + ".ext");
        File.WriteAllLines(extensions, ["[issued]", "basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature", $"extendedKeyUsage={usage}", .. altNames is null ? Array.Empty<string>() : [altNames]]);
        Openssl(Folder, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", issued.KeyPath, "-out", request, "-subj", $"/CN={commonName ?? file}");
        var serial = "0x" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).TrimStart('0');
        if (!expired)
        {
            Openssl(Folder, "x509", "-req", "-in", request, "-CA", CertificatePath, "-CAkey", KeyPath, "-set_serial", serial, "-days", "30",
                "-sha256", "-extfile", extensions, "-extensions", "issued", "-out", issued.CertificatePath);
            return issued;
        }

        // openssl x509 cannot date a certificate in the past (before OpenSSL 3.4); openssl ca can, from a config of its own.
        var database = Path.Combine(Folder, file + ".index");
        File.WriteAllText(database, string.Empty);
        var config = Path.Combine(Folder, file + ".cnf");
        File.WriteAllLines(config,
        [
            "[ca]", "default_ca = test",
            "[test]", $"database = {database}", $"new_certs_dir = {Folder}", "default_md = sha256", "policy = any",
            $"serial = {Path.Combine(Folder, file + ".serial")}", "unique_subject = no",
            "[any]", "commonName = supplied",
        ]);
        File.WriteAllText(Path.Combine(Folder, file + ".serial"), serial[2..].PadLeft(16, '0') + "\n");
        Openssl(Folder, "ca", "-batch", "-config", config, "-cert", CertificatePath, "-keyfile", KeyPath, "-in", request, "-out", issued.CertificatePath,
            "-startdate", "20200101000000Z", "-enddate", "20200201000000Z", "-notext", "-extfile", extensions, "-extensions", "issued");
        return issued;
    }

    private static void Openssl(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl", arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("could not start openssl");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException("the openssl CLI is not installed (tests/run.sh installs it: apt-get install openssl)", exception);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"openssl {string.Join(' ', arguments)} exited with {process.ExitCode}: {errors}{output.Result}"));
            }
        }
    }
}

/// <summary>A certificate and its private key in PEM files.</summary>
public sealed record IssuedCertificate(string CertificatePath, string KeyPath)
{
    /// <summary>The certificate with its private key, as a TLS client presents it.</summary>
    public X509Certificate2 Load()
    {
        using var ephemeral = X509Certificate2.CreateFromPemFile(CertificatePath, KeyPath);
        // A PKCS#12 round trip, so that SslStream can use the key on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The certificate alone (no key).</summary>
    public X509Certificate2 LoadPublic() => X509CertificateLoader.LoadCertificateFromFile(CertificatePath);
}
