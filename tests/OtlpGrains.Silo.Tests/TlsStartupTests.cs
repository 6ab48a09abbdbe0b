using OtlpGrains.Hosting;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>A TLS file that is missing or cannot be used stops the silo at start with one line naming it.</summary>
public sealed class TlsStartupTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "otlpgrains-tls-start-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task MissingCertificateFileIsAConfigurationError()
    {
        var missing = Path.Combine(_folder, "nowhere.crt");

        var (exit, lines) = await SiloStartAttempt.RunAsync($"--OtlpGrains:Tls:CertificatePath={missing}", $"--OtlpGrains:Tls:KeyPath={missing}");

        Assert.Equal(HostRunner.ConfigurationError, exit);
        Assert.Contains(lines, l => l == $"configuration error: OtlpGrains:Tls:CertificatePath '{missing}' is not a readable file");
    }

    [Fact]
    public async Task ClientCaWithoutCertificateIsAConfigurationError()
    {
        var (exit, lines) = await SiloStartAttempt.RunAsync($"--OtlpGrains:Tls:ClientCaPath={_folder}/ca.crt");

        Assert.Equal(HostRunner.ConfigurationError, exit);
        Assert.Contains(lines, l => l.StartsWith("configuration error: OtlpGrains:Tls:KeyPath and ClientCaPath need OtlpGrains:Tls:CertificatePath", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeyOfAnotherCertificateStopsStartWithOneLine()
    {
        var ca = OpensslTestCa.Create(_folder, "start");
        var server = ca.IssueServer("server");
        var other = ca.IssueServer("other");

        var (exit, lines) = await SiloStartAttempt.RunAsync($"--OtlpGrains:Tls:CertificatePath={server.CertificatePath}", $"--OtlpGrains:Tls:KeyPath={other.KeyPath}");

        Assert.Equal(HostRunner.StartError, exit);
        var line = Assert.Single(lines);
        Assert.StartsWith($"cannot start: OtlpGrains:Tls: cannot load the certificate '{server.CertificatePath}' with the key '{other.KeyPath}'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotPemStopsStartWithOneLine()
    {
        Directory.CreateDirectory(_folder);
        var garbage = Path.Combine(_folder, "garbage.pem");
        await File.WriteAllTextAsync(garbage, "not a certificate\n");

        var (exit, lines) = await SiloStartAttempt.RunAsync($"--OtlpGrains:Tls:CertificatePath={garbage}");

        Assert.Equal(HostRunner.StartError, exit);
        Assert.StartsWith($"cannot start: OtlpGrains:Tls: cannot load the certificate '{garbage}'", Assert.Single(lines), StringComparison.Ordinal);
    }
}
