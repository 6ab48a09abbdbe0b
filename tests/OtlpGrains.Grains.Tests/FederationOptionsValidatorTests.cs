using OtlpGrains.Grains.Federation;
using Xunit;

namespace OtlpGrains.Grains.Tests;

public sealed class FederationOptionsValidatorTests
{
    [Fact]
    public void DefaultsAreValidAndOff()
    {
        var options = new FederationOptions();

        Assert.False(options.On);
        Assert.Equal(TimeSpan.FromSeconds(2), options.PeerTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.SummaryInterval);
        Assert.Null(FederationOptionsValidator.Problem(options));
    }

    [Fact]
    public void TwoWellFormedPeersAreValid()
    {
        var options = Federated("a", Peer("b", "http://127.0.0.1:4317"), Peer("c", "https://otlpgrains.eu.example:4317"));

        Assert.Null(FederationOptionsValidator.Problem(options));
    }

    [Theory]
    [InlineData("", "b", "http://127.0.0.1:4317", "OtlpGrains:Federation:ClusterName")]
    [InlineData("a", "", "http://127.0.0.1:4317", "OtlpGrains:Federation:Peers:0:Name")]
    [InlineData("a", "a", "http://127.0.0.1:4317", "OtlpGrains:Federation:Peers:0:Name 'a'")]
    [InlineData("a", "b", "127.0.0.1:4317", "OtlpGrains:Federation:Peers:0:Endpoint")]
    [InlineData("a", "b", "ftp://127.0.0.1:4317", "OtlpGrains:Federation:Peers:0:Endpoint")]
    public void ABrokenPeerSettingIsNamed(string cluster, string peer, string endpoint, string named)
    {
        var problem = FederationOptionsValidator.Problem(Federated(cluster, Peer(peer, endpoint)));

        Assert.NotNull(problem);
        Assert.StartsWith(named, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void APeerNamedTwiceIsRefused()
    {
        var problem = FederationOptionsValidator.Problem(Federated("a", Peer("b", "http://127.0.0.1:1"), Peer("b", "http://127.0.0.1:2")));

        Assert.StartsWith("OtlpGrains:Federation:Peers:1:Name 'b' is used twice", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateFilesNeedHttpsBothHalvesAndToExist()
    {
        var plain = Peer("b", "http://127.0.0.1:4317");
        plain.CaFile = "/etc/hostname";
        var half = Peer("b", "https://127.0.0.1:4317");
        half.CertificateFile = "/etc/hostname";
        var missing = Peer("b", "https://127.0.0.1:4317");
        missing.CaFile = "/nonexistent/ca.pem";

        Assert.Contains("need an https:// Endpoint", FederationOptionsValidator.Problem(Federated("a", plain)), StringComparison.Ordinal);
        Assert.Contains("CertificateFile and KeyFile go together", FederationOptionsValidator.Problem(Federated("a", half)), StringComparison.Ordinal);
        Assert.Equal("OtlpGrains:Federation:Peers:0:CaFile '/nonexistent/ca.pem' does not exist", FederationOptionsValidator.Problem(Federated("a", missing)));
    }

    [Fact]
    public void RemoteNamesAreRulesAndABrokenOneIsNamed()
    {
        var peer = Peer("us", "http://127.0.0.1:4317");
        peer.RemoteNames.Add("*.us.example.com");
        peer.RemoteNames.Add("api.pay.example.com=payments");
        var options = Federated("eu", peer);
        Assert.Null(FederationOptionsValidator.Problem(options));
        Assert.Equal(2, options.RemoteNameRules().Count);

        peer.RemoteNames.Add("a*b");

        Assert.StartsWith("OtlpGrains:Federation:Peers:0:RemoteNames:2: 'a*b' is not a name", FederationOptionsValidator.Problem(options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 10, 300, "OtlpGrains:Federation:PeerTimeoutSeconds")]
    [InlineData(2, 0, 300, "OtlpGrains:Federation:SummaryIntervalSeconds")]
    [InlineData(2, 10, 5, "OtlpGrains:Federation:MaxBackoffSeconds")]
    public void TimesOutOfRangeAreRefused(double timeout, double interval, double backoff, string named)
    {
        var options = new FederationOptions { PeerTimeoutSeconds = timeout, SummaryIntervalSeconds = interval, MaxBackoffSeconds = backoff };

        Assert.StartsWith(named, FederationOptionsValidator.Problem(options), StringComparison.Ordinal);
    }

    private static FederationOptions Federated(string cluster, params FederationPeerOptions[] peers)
    {
        var options = new FederationOptions { ClusterName = cluster };
        foreach (var peer in peers)
        {
            options.Peers.Add(peer);
        }

        return options;
    }

    private static FederationPeerOptions Peer(string name, string endpoint) => new() { Name = name, Endpoint = endpoint, ApiKey = "k" };
}
