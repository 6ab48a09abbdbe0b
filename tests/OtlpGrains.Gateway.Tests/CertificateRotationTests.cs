using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Gateway.Security;
using OtlpGrains.Hosting;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

/// <summary>
/// The served credentials follow the files: a new pair is loaded at the next look, a pair whose key does not match
/// keeps the old certificate (counted once), and a link swap is seen even when the files look the same.
/// </summary>
public sealed class CertificateRotationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "otlpgrains-rotation-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly TestCertificates _ca = TestCertificates.CreateAuthority("rotation CA");
    private readonly IMeterFactory _meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
    private readonly MetricCollector<long> _reloads;

    public CertificateRotationTests()
    {
        Directory.CreateDirectory(_folder);
        _reloads = new(_meters, GatewayInstruments.MeterName, "tls_certificate_reloads_total");
    }

    private int _version;

    private string CertificatePath => Path.Combine(_folder, "tls.crt");

    private string KeyPath => Path.Combine(_folder, "tls.key");

    public void Dispose()
    {
        _reloads.Dispose();
        _ca.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void ReplacedPairIsServedAtTheNextLook()
    {
        using var first = _ca.Server("first");
        using var second = _ca.Server("second");
        Serve(first);
        using var rotation = Rotation();
        Assert.Equal(first.Thumbprint, rotation.Current.Certificate.Thumbprint);

        ReplaceWith(second, second);

        Assert.Equal(second.Thumbprint, rotation.Current.Certificate.Thumbprint);
        Assert.Equal(1, Reloads("ok"));
        Assert.Equal(0, Reloads("failed"));
    }

    [Fact]
    public void MismatchedKeyKeepsTheOldCertificateAndCountsOnce()
    {
        using var first = _ca.Server("first");
        using var second = _ca.Server("second");
        Serve(first);
        using var rotation = Rotation();

        // The new certificate is there, its key is not yet: the old key stays beside it.
        ReplaceWith(second, first);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(first.Thumbprint, rotation.Current.Certificate.Thumbprint);
        }

        Assert.Equal(1, Reloads("failed"));

        ReplaceWith(second, second);
        Assert.Equal(second.Thumbprint, rotation.Current.Certificate.Thumbprint);
        Assert.Equal(1, Reloads("ok"));
    }

    [Fact]
    public void UnusableFileAtStartIsAStartupError()
    {
        File.WriteAllText(CertificatePath, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        File.WriteAllText(KeyPath, "not a key");

        var error = Assert.Throws<StartupException>(Rotation);

        Assert.StartsWith($"OtlpGrains:Tls: cannot load the certificate '{CertificatePath}' with the key '{KeyPath}': ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void LinkSwapChangesTheStampEvenWithTheSameTimeAndSize()
    {
        // tls.crt -> ..data/tls.crt, ..data -> ..v1: the kubelet's layout.
        var folder = Path.Combine(_folder, "stamps");
        var written = DateTime.UtcNow.AddMinutes(-5);
        foreach (var version in new[] { "..v1", "..v2" })
        {
            Directory.CreateDirectory(Path.Combine(folder, version));
            var file = Path.Combine(folder, version, "tls.crt");
            File.WriteAllText(file, "same bytes");
            File.SetLastWriteTimeUtc(file, written);
        }

        var served = Path.Combine(folder, "tls.crt");
        File.CreateSymbolicLink(Path.Combine(folder, "..data"), "..v1");
        File.CreateSymbolicLink(served, Path.Combine("..data", "tls.crt"));
        var before = CertificateFileStamp.Of(served);

        File.Delete(Path.Combine(folder, "..data"));
        File.CreateSymbolicLink(Path.Combine(folder, "..data"), "..v2");
        var after = CertificateFileStamp.Of(served);

        Assert.Equal(Path.Combine(folder, "..v1", "tls.crt"), before.Target);
        Assert.Equal(Path.Combine(folder, "..v2", "tls.crt"), after.Target);
        Assert.NotEqual(before, after);
        Assert.Equal(before.WriteTicks, after.WriteTicks);
    }

    /// <summary>The first version, and the links that serve it: <c>tls.crt -> ..data/tls.crt</c>, <c>tls.key -> ..data/tls.key</c>.</summary>
    private void Serve(X509Certificate2 certificate)
    {
        ReplaceWith(certificate, certificate);
        File.CreateSymbolicLink(CertificatePath, Path.Combine("..data", "tls.crt"));
        File.CreateSymbolicLink(KeyPath, Path.Combine("..data", "tls.key"));
    }

    private CertificateRotation Rotation() => new(
        Options.Create(new TlsOptions { CertificatePath = CertificatePath, KeyPath = KeyPath }),
        new TlsInstruments(_meters),
        NullLogger<CertificateRotation>.Instance);

    /// <summary>
    /// Serves a new pair as the kubelet does: files in a new version folder, then one atomic rename of a new
    /// <c>..data</c> link over the old (so that no look at the files sees half of the change).
    /// </summary>
    private void ReplaceWith(X509Certificate2 certificate, X509Certificate2 keyOf)
    {
        var version = $"..v{++_version}";
        Directory.CreateDirectory(Path.Combine(_folder, version));
        File.WriteAllText(Path.Combine(_folder, version, "tls.crt"), certificate.ExportCertificatePem());
        using (var key = keyOf.GetECDsaPrivateKey()!)
        {
            File.WriteAllText(Path.Combine(_folder, version, "tls.key"), key.ExportPkcs8PrivateKeyPem());
        }

        var link = Path.Combine(_folder, "..data_tmp");
        File.CreateSymbolicLink(link, version);
        // rename(2) over the old link; .NET's File.Move refuses a destination that leads to a folder.
        using var rename = Process.Start("mv", ["-T", link, Path.Combine(_folder, "..data")])!;
        rename.WaitForExit();
        Assert.Equal(0, rename.ExitCode);
    }

    private long Reloads(string result)
    {
        _reloads.RecordObservableInstruments();
        return _reloads.GetMeasurementSnapshot().Where(m => Equals(m.Tags["result"], result)).Select(m => m.Value).LastOrDefault();
    }
}
