using OtlpGrains.Gateway.Hosting;
using OtlpGrains.Hosting;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests.Security;

/// <summary>A cluster TLS setting that cannot work stops the silo and the standalone gateway with one line and exit code 2.</summary>
public sealed class ClusterTlsStartupTests(TwoTestCas cas) : IClassFixture<TwoTestCas>
{
    private OpensslTestCa _cluster => cas.Trusted;

    private OpensslTestCa _other => cas.Other;

    [Fact]
    public async Task SiloWithACertificateFromAnotherCaDoesNotStart()
    {
        var stranger = await _other.IssueAsync("silo-x");

        var (exit, lines) = await SiloStartAttempt.RunAsync(
            $"--OtlpGrains:Cluster:Tls:CertificatePath={stranger.CertificatePath}",
            $"--OtlpGrains:Cluster:Tls:KeyPath={stranger.KeyPath}",
            $"--OtlpGrains:Cluster:Tls:CaPath={_cluster.CertificatePath}");

        Assert.Equal(HostRunner.ConfigurationError, exit);
        var line = Assert.Single(lines);
        Assert.StartsWith($"configuration error: OtlpGrains:Cluster:Tls:CertificatePath {stranger.CertificatePath} does not chain to the CA in CaPath", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GatewayWithoutTheKeyDoesNotStart()
    {
        var own = await _cluster.IssueAsync("gateway");
        using var errors = new StringWriter();

        var exit = await HostRunner.RunUntilStoppedAsync(
            () => GatewayApplication.Build(
            [
                $"--OtlpGrains:Cluster:Tls:CertificatePath={own.CertificatePath}",
                $"--OtlpGrains:Cluster:Tls:CaPath={_cluster.CertificatePath}",
                "--Logging:LogLevel:Default=None",
            ]),
            errors);

        Assert.Equal(HostRunner.ConfigurationError, exit);
        Assert.Equal(
            "configuration error: OtlpGrains:Cluster:Tls:KeyPath is required when any of CertificatePath, KeyPath and CaPath is set",
            errors.ToString().TrimEnd('\n'));
    }
}
