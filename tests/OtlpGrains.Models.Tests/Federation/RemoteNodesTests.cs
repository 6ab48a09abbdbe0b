using OtlpGrains.Interfaces;
using OtlpGrains.Models.Federation;
using Xunit;

namespace OtlpGrains.Models.Tests.Federation;

public sealed class RemoteNodesTests
{
    private static readonly (string, IEnumerable<string>)[] Peers =
    [
        ("us", ["payments", "ledger", "shared"]),
        ("ap", ["search", "shared"]),
    ];

    [Theory]
    [InlineData("payments", "us", "payments")]
    [InlineData("search", "ap", "search")]
    [InlineData("payments.us.svc.cluster.local", "us", "payments")]
    [InlineData("ledger.internal", "us", "ledger")]
    public void APeersServiceNamedByPeerServiceOrByAHostNameIsThatPeersNode(string name, string cluster, string service)
    {
        var nodes = new RemoteNodes([], Peers, ["frontend"]);

        Assert.Equal(new RemoteNode(cluster, service), nodes.Resolve(name));
    }

    [Theory]
    [InlineData("shared")] // two peers have it: no one owner
    [InlineData("shared.example.com")]
    [InlineData("postgresql")] // no peer has it: an uninstrumented dependency
    [InlineData("10.0.0.7")]
    [InlineData("frontend")] // a local service of that name
    public void ANameNoOnePeerOwnsStaysVirtual(string name)
    {
        var nodes = new RemoteNodes([], Peers, ["frontend", "cart"]);

        Assert.Null(nodes.Resolve(name));
    }

    [Fact]
    public void ALocalServiceWithAPeersNameKeepsItsHostNameFromResolvingByLabel()
    {
        var nodes = new RemoteNodes([], Peers, ["ledger"]);

        Assert.Null(nodes.Resolve("ledger.internal"));
    }

    [Fact]
    public void ExplicitRulesComeFirstAndNameTheServiceOrTakeTheFirstLabel()
    {
        RemoteNameRule[] rules =
        [
            RemoteNameRule.Parse("ap", "api.pay.example.com=payments", out _)!,
            RemoteNameRule.Parse("ap", "*.ap.example.com", out _)!,
        ];
        var nodes = new RemoteNodes(rules, Peers, []);

        Assert.Equal(new RemoteNode("ap", "payments"), nodes.Resolve("API.pay.example.com"));
        Assert.Equal(new RemoteNode("ap", "checkout"), nodes.Resolve("checkout.ap.example.com"));
        Assert.Null(nodes.Resolve("ap.example.com"));
        Assert.Equal(new RemoteNode("us", "payments"), nodes.Resolve("payments"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("*.")]
    [InlineData("a*b")]
    [InlineData("name=")]
    [InlineData("two words")]
    public void AMalformedRuleIsRefusedWithAReason(string text)
    {
        Assert.Null(RemoteNameRule.Parse("us", text, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }
}
