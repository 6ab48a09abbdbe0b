using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using OtlpGrains.Hosting.Security;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests.Security;

/// <summary>Loading the cluster certificate and judging peers, without a cluster.</summary>
public sealed class ClusterCredentialsTests(TwoTestCas cas) : IClassFixture<TwoTestCas>
{
    private OpensslTestCa _cluster => cas.Trusted;

    private OpensslTestCa _other => cas.Other;

    [Fact]
    public void NoSettingsMeansPlainTcp()
    {
        Assert.Null(ClusterCredentials.Load(new ClusterTlsOptions()));
        Assert.StartsWith("Cluster TLS off:", ClusterTlsAnnouncement.Line(null, "silo"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeerFromTheClusterCaIsTrustedAndOneFromAnotherIsNot()
    {
        var own = await _cluster.IssueAsync("silo-a");
        using var credentials = ClusterCredentials.Load(Options(own, _cluster.CertificatePath));
        using var sibling = Certificate(await _cluster.IssueAsync("silo-b"));
        using var stranger = Certificate(await _other.IssueAsync("silo-x"));

        Assert.NotNull(credentials);
        Assert.True(credentials.Certificate.HasPrivateKey);
        Assert.True(credentials.IsTrustedPeer(sibling, presented: null));
        Assert.False(credentials.IsTrustedPeer(stranger, presented: null));
        Assert.Contains("CN=silo-a", ClusterTlsAnnouncement.Line(credentials, "silo"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePeerCannotBringItsOwnCaAlong()
    {
        // A stranger sending its CA in its chain must not get in: only the configured CA anchors trust.
        using var credentials = ClusterCredentials.Load(Options(await _cluster.IssueAsync("silo-a"), _cluster.CertificatePath))!;
        using var stranger = Certificate(await _other.IssueAsync("silo-x"));
        using var strangerCa = X509Certificate2.CreateFromPem(File.ReadAllText(_other.CertificatePath));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(strangerCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(stranger));

        Assert.False(credentials.IsTrustedPeer(stranger, chain));
    }

    [Fact]
    public async Task PartialSettingsNameWhatIsMissing()
    {
        var own = await _cluster.IssueAsync("silo-a");

        var failure = Assert.Throws<OptionsValidationException>(() => ClusterCredentials.Load(new ClusterTlsOptions { CertificatePath = own.CertificatePath, KeyPath = own.KeyPath }));

        Assert.Equal("OtlpGrains:Cluster:Tls:CaPath is required when any of CertificatePath, KeyPath and CaPath is set", Assert.Single(failure.Failures));
    }

    [Fact]
    public async Task MissingFileIsNamed()
    {
        var own = await _cluster.IssueAsync("silo-a");
        var missing = Path.Combine(_cluster.Folder, "nowhere.key");

        var failure = Assert.Throws<OptionsValidationException>(() => ClusterCredentials.Load(Options(own with { KeyPath = missing }, _cluster.CertificatePath)));

        Assert.Equal($"OtlpGrains:Cluster:Tls:KeyPath {missing} does not exist", Assert.Single(failure.Failures));
    }

    [Fact]
    public async Task CertificateFromAnotherCaStopsStartUp()
    {
        var stranger = await _other.IssueAsync("silo-x");

        var failure = Assert.Throws<OptionsValidationException>(() => ClusterCredentials.Load(Options(stranger, _cluster.CertificatePath)));

        Assert.StartsWith($"OtlpGrains:Cluster:Tls:CertificatePath {stranger.CertificatePath} does not chain to the CA in CaPath", Assert.Single(failure.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateWithoutClientAuthStopsStartUp()
    {
        var serverOnly = await _cluster.IssueAsync("silo-s", "serverAuth");

        var failure = Assert.Throws<OptionsValidationException>(() => ClusterCredentials.Load(Options(serverOnly, _cluster.CertificatePath)));

        Assert.Contains("must allow both serverAuth and clientAuth", Assert.Single(failure.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyThatIsNotPemIsNamed()
    {
        var own = await _cluster.IssueAsync("silo-a");
        var garbage = Path.Combine(_cluster.Folder, "garbage.key");
        await File.WriteAllTextAsync(garbage, "not a key");

        var failure = Assert.Throws<OptionsValidationException>(() => ClusterCredentials.Load(Options(own with { KeyPath = garbage }, _cluster.CertificatePath)));

        Assert.StartsWith($"OtlpGrains:Cluster:Tls:CertificatePath {own.CertificatePath} cannot be read as PEM", Assert.Single(failure.Failures), StringComparison.Ordinal);
    }

    private static ClusterTlsOptions Options(IssuedCertificate credential, string ca) =>
        new() { CertificatePath = credential.CertificatePath, KeyPath = credential.KeyPath, CaPath = ca };

    private static X509Certificate2 Certificate(IssuedCertificate credential) =>
        X509Certificate2.CreateFromPem(File.ReadAllText(credential.CertificatePath));
}
