using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OtlpGrains.Gateway.Tests;

/// <summary>
/// Small certificate authorities made in process, for the unit tests of the TLS classes (the end-to-end tests in
/// the silo's project use the openssl CLI, as an operator does).
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    private TestCertificates(X509Certificate2 authority) => Authority = authority;

    /// <summary>The CA certificate, with its key.</summary>
    public X509Certificate2 Authority { get; }

    public static TestCertificates CreateAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        return new TestCertificates(request.CreateSelfSigned(now.AddDays(-400), now.AddDays(400)));
    }

    public X509Certificate2 Client(string name, DateTimeOffset notBefore, DateTimeOffset notAfter) => Issue(name, ClientAuth, notBefore, notAfter);

    public X509Certificate2 Server(string name) => Issue(name, ServerAuth, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

    public void Dispose() => Authority.Dispose();

    private X509Certificate2 Issue(string name, string usage, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        using var issued = request.Create(Authority, notBefore, notAfter, RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }
}
