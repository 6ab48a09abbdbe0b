using System.Collections.Immutable;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Registry;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Models.Tests;

/// <summary>The registry's stage rules and its audit trail, without a cluster.</summary>
public sealed class ModelRegistryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly ModelRegistry _registry = new(new ModelRegistryState(), RegistryLimits.Default);

    [Fact]
    public void RegisterNumbersVersionsAndStartsThemAsCandidates()
    {
        var first = Register("checkout");
        var second = Register("checkout");
        var other = Register("payments");

        Assert.Equal((1, ModelStage.Candidate), (first.Number, first.Stage));
        Assert.Equal(2, second.Number);
        Assert.Equal(1, other.Number);
        var audit = Assert.Single(_registry.Find("payments")!.Audit.Entries);
        Assert.Equal((AuditAction.Register, (ModelStage?)null, ModelStage.Candidate, "alice"), (audit.Action, audit.From, audit.To, audit.Who));
    }

    [Fact]
    public void PromotingToProductionArchivesTheCurrentProductionAndRemembersIt()
    {
        Register("m");
        Register("m");
        Assert.True(_registry.Promote("m", 1, ModelStage.Production, "bob", "first release", T0).Succeeded);

        var result = _registry.Promote("m", 2, ModelStage.Production, "bob", "better NAB score", T0.AddHours(1));

        Assert.True(result.Succeeded);
        Assert.Equal([(1, ModelStage.Archived), (2, ModelStage.Production)], result.Changed.Select(v => (v.Number, v.Stage)));
        var model = _registry.Find("m")!;
        Assert.Equal(2, model.Production?.Number);
        Assert.Equal([1], model.PreviousProduction);
        var last = model.Audit.Entries.Skip(model.Audit.Entries.Count - 2).ToArray();
        Assert.Equal([(1, ModelStage.Production, ModelStage.Archived), (2, ModelStage.Candidate, ModelStage.Production)],
            last.Select(e => (e.Version, e.From!.Value, e.To)));
        Assert.All(last, e => Assert.Equal(("bob", "better NAB score", AuditAction.Promote), (e.Who, e.Reason, e.Action)));
    }

    [Fact]
    public void RollbackRestoresThePreviousProductionAndArchivesTheCurrentOne()
    {
        Register("m");
        Register("m");
        Register("m");
        _registry.Promote("m", 1, ModelStage.Production, "bob", "r1", T0);
        _registry.Promote("m", 2, ModelStage.Production, "bob", "r2", T0);
        _registry.Promote("m", 3, ModelStage.Production, "bob", "r3", T0);

        var back = _registry.Rollback("m", "carol", "v3 pages all night", T0.AddHours(2));
        var again = _registry.Rollback("m", "carol", "v2 is no better", T0.AddHours(3));

        Assert.Equal(2, back.Version?.Number);
        Assert.Equal(1, again.Version?.Number);
        var model = _registry.Find("m")!;
        Assert.Equal([ModelStage.Production, ModelStage.Archived, ModelStage.Archived], model.Versions.Select(v => v.Stage));
        Assert.Empty(model.PreviousProduction);
        var refused = _registry.Rollback("m", "carol", "once more", T0.AddHours(4));
        Assert.Equal(RegistryRefusalKind.Conflict, refused.Refusal?.Kind);
        Assert.Contains("no previous production version", refused.Refusal!.Reason, StringComparison.Ordinal);
        Assert.Equal(AuditAction.Rollback, model.Audit.Entries[^1].Action);
        Assert.Equal("v2 is no better", model.Audit.Entries[^1].Reason);
    }

    [Fact]
    public void RollbackWithoutProductionIsRefused()
    {
        Register("m");
        var result = _registry.Rollback("m", "carol", "why not", T0);
        Assert.Equal(RegistryRefusalKind.Conflict, result.Refusal?.Kind);
        Assert.Contains("no production version", result.Refusal!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RepromotingAnEarlierProductionTakesItOffTheRollbackList()
    {
        Register("m");
        Register("m");
        _registry.Promote("m", 1, ModelStage.Production, "bob", "r1", T0);
        _registry.Promote("m", 2, ModelStage.Production, "bob", "r2", T0);
        _registry.Promote("m", 1, ModelStage.Production, "bob", "back to 1 by hand", T0);

        var model = _registry.Find("m")!;
        Assert.Equal([2], model.PreviousProduction);
        Assert.Equal(2, _registry.Rollback("m", "bob", "undo", T0).Version?.Number);
    }

    [Fact]
    public void OneShadowAtATimeAndProductionCannotBeDemoted()
    {
        Register("m");
        Register("m");
        Register("m");
        _registry.Promote("m", 1, ModelStage.Production, "bob", "r1", T0);
        _registry.Promote("m", 2, ModelStage.Shadow, "bob", "try 2", T0);

        var next = _registry.Promote("m", 3, ModelStage.Shadow, "bob", "try 3 instead", T0);
        var demote = _registry.Promote("m", 1, ModelStage.Shadow, "bob", "demote", T0);
        var again = _registry.Promote("m", 3, ModelStage.Shadow, "bob", "again", T0);
        var candidate = _registry.Promote("m", 2, ModelStage.Candidate, "bob", "back", T0);

        Assert.Equal([(2, ModelStage.Archived), (3, ModelStage.Shadow)], next.Changed.Select(v => (v.Number, v.Stage)));
        Assert.Equal(RegistryRefusalKind.Conflict, demote.Refusal?.Kind);
        Assert.Equal(RegistryRefusalKind.Conflict, again.Refusal?.Kind);
        Assert.Contains("already shadow", again.Refusal!.Reason, StringComparison.Ordinal);
        Assert.Equal(RegistryRefusalKind.Invalid, candidate.Refusal?.Kind);
        Assert.Equal(3, _registry.Find("m")!.Shadow?.Number);
    }

    [Fact]
    public void ShadowPromotedToProductionLeavesNoShadow()
    {
        Register("m");
        _registry.Promote("m", 1, ModelStage.Shadow, "bob", "try", T0);
        _registry.Promote("m", 1, ModelStage.Production, "bob", "agrees 99%", T0);

        var model = _registry.Find("m")!;
        Assert.Null(model.Shadow);
        Assert.Equal(1, model.Production?.Number);
        Assert.Equal(ModelStage.Shadow, model.Audit.Entries[^1].From);
    }

    [Fact]
    public void RetireArchivesAnythingButProduction()
    {
        Register("m");
        Register("m");
        Register("m");
        _registry.Promote("m", 1, ModelStage.Production, "bob", "r1", T0);
        _registry.Promote("m", 2, ModelStage.Shadow, "bob", "s2", T0);

        var production = _registry.Retire("m", 1, "bob", "old", T0);
        var shadow = _registry.Retire("m", 2, "bob", "disagrees too often", T0);
        var candidate = _registry.Retire("m", 3, "bob", "never mind", T0);
        var twice = _registry.Retire("m", 3, "bob", "twice", T0);

        Assert.Equal(RegistryRefusalKind.Conflict, production.Refusal?.Kind);
        Assert.Contains("promote another version", production.Refusal!.Reason, StringComparison.Ordinal);
        Assert.Equal(ModelStage.Archived, shadow.Version?.Stage);
        Assert.Equal(ModelStage.Archived, candidate.Version?.Stage);
        Assert.Equal(RegistryRefusalKind.Conflict, twice.Refusal?.Kind);
        Assert.Equal(ModelStage.Production, _registry.Find("m")!.Find(1)?.Stage);
    }

    [Fact]
    public void RetiringAnArchivedRollbackTargetStrikesItFromTheRollbackList()
    {
        Register("m");
        Register("m");
        _registry.Promote("m", 1, ModelStage.Production, "bob", "r1", T0);
        _registry.Promote("m", 2, ModelStage.Production, "bob", "r2", T0);

        Assert.True(_registry.Retire("m", 1, "bob", "v1 leaks memory; never roll back to it", T0).Succeeded);

        Assert.Empty(_registry.Find("m")!.PreviousProduction);
        Assert.Equal(RegistryRefusalKind.Conflict, _registry.Rollback("m", "bob", "try", T0).Refusal?.Kind);
    }

    [Theory]
    [InlineData("", "why", "who is required")]
    [InlineData("bob", "", "a reason is required")]
    [InlineData("bob", "   ", "a reason is required")]
    public void StageChangesNeedWhoAndWhy(string who, string reason, string expected)
    {
        Register("m");
        foreach (var result in new[]
        {
            _registry.Promote("m", 1, ModelStage.Production, who, reason, T0),
            _registry.Rollback("m", who, reason, T0),
            _registry.Retire("m", 1, who, reason, T0),
        })
        {
            Assert.Equal(new RegistryRefusal(RegistryRefusalKind.Invalid, expected), result.Refusal);
        }

        Assert.Single(_registry.Find("m")!.Audit.Entries);
    }

    [Fact]
    public void UnknownModelsAndVersionsAreNotFound()
    {
        Register("m");
        Assert.Equal(RegistryRefusalKind.NotFound, _registry.Promote("x", 1, ModelStage.Production, "bob", "r", T0).Refusal?.Kind);
        Assert.Equal(RegistryRefusalKind.NotFound, _registry.Promote("m", 2, ModelStage.Production, "bob", "r", T0).Refusal?.Kind);
        Assert.Equal(RegistryRefusalKind.NotFound, _registry.Retire("m", 0, "bob", "r", T0).Refusal?.Kind);
        Assert.Equal(RegistryRefusalKind.NotFound, _registry.Rollback("x", "bob", "r", T0).Refusal?.Kind);
    }

    [Fact]
    public void ASecondSchemaForAModelIsRefused()
    {
        Register("m");
        var result = _registry.Register("m", Registration(FeatureSchema.Univariate), T0);
        Assert.Equal(RegistryRefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Contains("feature schema mismatch", result.Refusal!.Reason, StringComparison.Ordinal);
        Assert.Single(_registry.Find("m")!.Versions);
    }

    [Fact]
    public void LimitsOnModelsAndVersionsRefuseAndTheAuditTrailDropsItsOldest()
    {
        var registry = new ModelRegistry(new ModelRegistryState(), new RegistryLimits(MaxModels: 2, MaxVersionsPerModel: 3, MaxAuditEntriesPerModel: 4, 1024));
        for (var i = 0; i < 3; i++)
        {
            Assert.True(registry.Register("a", Registration(), T0).Succeeded);
        }

        Assert.True(registry.Register("b", Registration(), T0).Succeeded);
        Assert.Equal(RegistryRefusalKind.Conflict, registry.Register("a", Registration(), T0).Refusal?.Kind);
        Assert.Equal(RegistryRefusalKind.Conflict, registry.Register("c", Registration(), T0).Refusal?.Kind);

        registry.Promote("a", 1, ModelStage.Production, "bob", "p1", T0);
        registry.Promote("a", 2, ModelStage.Production, "bob", "p2", T0);
        var audit = registry.Find("a")!.Audit;
        Assert.Equal(4, audit.Entries.Count);
        Assert.Equal(2, audit.Dropped);
        Assert.Equal("p2", audit.Entries[^1].Reason);
        Assert.Equal(AuditAction.Register, audit.Entries[0].Action);
        Assert.Equal(3, audit.Entries[0].Version);
    }

    [Fact]
    public void BadModelNamesAreRefused()
    {
        foreach (var name in new[] { "", "Checkout", "a/b", "-x", new string('a', 65) })
        {
            Assert.Equal(RegistryRefusalKind.Invalid, _registry.Register(name, Registration(), T0).Refusal?.Kind);
        }

        Assert.Empty(_registry.Models);
        Assert.Null(ModelName.Problem("red-baseline_v2.1"));
    }

    private ModelVersion Register(string name)
    {
        var result = _registry.Register(name, Registration(), T0);
        Assert.True(result.Succeeded, result.Refusal?.Reason);
        return result.Version!;
    }

    private static ModelRegistration Registration(FeatureSchema? schema = null) => new(
        TestConstantCodec.KindName, schema ?? FeatureSchema.Red, T0.AddDays(-7), T0,
        ImmutableSortedDictionary<string, double>.Empty.Add("nab.standard", 61.5), new string('a', 64), 100, "alice", "trained on last week");
}
