using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Models.Tests.Services;

/// <summary>New services are admitted up to the total and up to each key's share; known ones always pass.</summary>
public sealed class ServiceQuotaTests
{
    [Fact]
    public void RefusesNewServicesBeyondTheTotalButNotKnownOnes()
    {
        var services = new HashSet<string>(StringComparer.Ordinal) { "checkout" };
        var quota = new ServiceQuota(services, new Dictionary<string, string>(StringComparer.Ordinal), maxServices: 3, maxPerKey: 100);

        var (refused, added) = quota.Admit(["cart", "checkout", "payments", "ledger", "search"], key: "");

        Assert.True(added);
        Assert.Equal(["ledger", "search"], refused);
        Assert.Equal(["cart", "checkout", "payments"], services.Order(StringComparer.Ordinal));

        // Full: known services still pass and nothing is written.
        var (none, addedNone) = quota.Admit(["cart", "payments"], key: "");
        Assert.Empty(none);
        Assert.False(addedNone);
    }

    [Fact]
    public void EachKeyCreatesAtMostItsShareAndAnonymousRequestsOnlyCountInTheTotal()
    {
        var services = new HashSet<string>(StringComparer.Ordinal);
        var createdBy = new Dictionary<string, string>(StringComparer.Ordinal);
        var quota = new ServiceQuota(services, createdBy, maxServices: 100, maxPerKey: 2);

        Assert.Equal(["a3"], quota.Admit(["a1", "a2", "a3"], key: "team-a").Refused);
        Assert.Empty(quota.Admit(["b1", "b2"], key: "team-b").Refused);
        Assert.Empty(quota.Admit(["n1", "n2", "n3"], key: "").Refused);

        // A service another key created is known, so it costs team-a nothing.
        Assert.Empty(quota.Admit(["b1"], key: "team-a").Refused);
        Assert.Equal("team-a", createdBy["a1"]);
        Assert.False(createdBy.ContainsKey("n1"));

        // The shares are rebuilt from what the catalog stored (a restarted catalog).
        var restarted = new ServiceQuota(services, createdBy, maxServices: 100, maxPerKey: 2);
        Assert.Equal(["a4"], restarted.Admit(["a4"], key: "team-a").Refused);
        Assert.Empty(restarted.Admit(["c1"], key: "team-c").Refused);
    }
}
