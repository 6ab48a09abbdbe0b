using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using Orleans.Core.Internal;
using Orleans.Runtime;
using Orleans.Streams;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Grains.Tests.Models;

/// <summary>The registry grain, its artifact grains, the models stream and the per-silo cache on two silos.</summary>
[Collection(ModelClusterCollection.Name)]
public sealed class ModelRegistryGrainTests(ModelClusterFixture fixture)
{
    private static readonly DateTimeOffset TrainedTo = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private IModelRegistryGrain Registry => fixture.Registry;

    [Fact]
    public async Task RegisterPromoteRollbackAndRetire()
    {
        var name = ModelClusterFixture.FreshName();
        Assert.Equal(1, (await Registry.RegisterAsync(Upload(name, 0.1))).Version?.Number);
        Assert.Equal(2, (await Registry.RegisterAsync(Upload(name, 0.2))).Version?.Number);
        Assert.Equal(3, (await Registry.RegisterAsync(Upload(name, 0.3))).Version?.Number);

        Assert.True((await Registry.PromoteAsync(name, 1, ModelStage.Production, "bob", "first")).Succeeded);
        Assert.True((await Registry.PromoteAsync(name, 2, ModelStage.Production, "bob", "better")).Succeeded);
        Assert.True((await Registry.PromoteAsync(name, 3, ModelStage.Shadow, "bob", "try")).Succeeded);
        Assert.Equal(2, (await Registry.GetProductionAsync(name))?.Number);

        var rollback = await Registry.RollbackAsync(name, "carol", "v2 pages all night");
        Assert.Equal((1, ModelStage.Production), (rollback.Version!.Number, rollback.Version.Stage));
        var retire = await Registry.RetireAsync(name, 1, "carol", "oops");
        Assert.Equal(RegistryRefusalKind.Conflict, retire.Refusal?.Kind);
        Assert.True((await Registry.RetireAsync(name, 3, "carol", "shadow disagrees")).Succeeded);

        var detail = await Registry.GetAsync(name);
        Assert.NotNull(detail);
        Assert.Equal([ModelStage.Production, ModelStage.Archived, ModelStage.Archived], detail.Versions.Select(v => v.Stage));
        Assert.Equal((1, (int?)null), (detail.Production, detail.Shadow));
        Assert.Empty(detail.RollbackTo);
        Assert.Equal(3 + 1 + 2 + 1 + 2 + 1, detail.Audit.Length);
        Assert.Equal(("carol", "shadow disagrees", AuditAction.Retire), (detail.Audit[^1].Who, detail.Audit[^1].Reason, detail.Audit[^1].Action));
        Assert.Contains(await Registry.ListAsync(), s => s.Name == name && s.Versions == 3 && s.Production == 1);
        Assert.Null(await Registry.GetAsync(ModelClusterFixture.FreshName()));
    }

    [Fact]
    public async Task BadUploadsAreRefusedAndLeaveProductionAsItWas()
    {
        var name = ModelClusterFixture.FreshName();
        await Registry.RegisterAsync(Upload(name, 0.1));
        await Registry.PromoteAsync(name, 1, ModelStage.Production, "bob", "release");
        var before = await Registry.GetAsync(name);
        var refusedBefore = (await Registry.GetCountsAsync()).RefusedUploads;

        var good = TestConstantCodec.Artifact(0.2);
        var corrupt = (byte[])good.Clone();
        corrupt[1] ^= 0x55;
        var bad = new (ModelUpload Upload, RegistryRefusalKind Kind, string Reason)[]
        {
            (Upload(name, 0.2) with { Artifact = corrupt }, RegistryRefusalKind.Invalid, "corrupt test-constant artifact"),
            (Upload(name, 0.2) with { Artifact = good[..^4] }, RegistryRefusalKind.Invalid, "corrupt test-constant artifact"),
            (Upload(name, 0.2) with { Kind = "no-such-kind" }, RegistryRefusalKind.Invalid, "unknown model kind 'no-such-kind'"),
            (Upload(name, 0.2, FeatureSchema.Univariate), RegistryRefusalKind.Invalid, "feature schema mismatch"),
            (Upload(name, 0.2) with { ClaimedSha256 = new string('f', 64) }, RegistryRefusalKind.Invalid, "sha256 mismatch"),
            (Upload(name, 0.2) with { Artifact = new byte[ModelClusterFixture.MaxArtifactBytes + 1] }, RegistryRefusalKind.TooLarge, "artifact is"),
        };
        foreach (var (upload, kind, reason) in bad)
        {
            var result = await Registry.RegisterAsync(upload);
            Assert.Equal(kind, result.Refusal?.Kind);
            Assert.StartsWith(reason, result.Refusal!.Reason, StringComparison.Ordinal);
        }

        var after = await Registry.GetAsync(name);
        Assert.Equal(before!.Versions.Select(Facts), after!.Versions.Select(Facts));
        Assert.Equal(before.Audit, after.Audit);
        Assert.Equal(1, after.Production);
        Assert.Null(await fixture.Grains.GetGrain<IModelArtifactGrain>(IModelArtifactGrain.KeyOf(name, 2)).GetAsync());
        Assert.Equal(refusedBefore + bad.Length, (await Registry.GetCountsAsync()).RefusedUploads);
    }

    [Fact]
    public async Task TheArtifactAndTheRegistrySurviveDeactivation()
    {
        var name = ModelClusterFixture.FreshName();
        var upload = Upload(name, 0.4);
        var registered = await Registry.RegisterAsync(upload);
        var artifactGrain = fixture.Grains.GetGrain<IModelArtifactGrain>(IModelArtifactGrain.KeyOf(name, 1));
        Assert.NotNull(await artifactGrain.GetAsync());

        // Each activation ends after this call; the next call reaches a new activation that must read storage.
        await artifactGrain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Registry.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        var stored = await artifactGrain.GetAsync();
        Assert.NotNull(stored);
        Assert.Equal(upload.Artifact, stored.Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(upload.Artifact)), stored.Sha256);
        Assert.Equal(Facts(registered.Version!), Facts((await Registry.GetAsync(name))!.Versions.Single()));
    }

    [Fact]
    public async Task StageChangesArePublishedOnTheModelsStream()
    {
        var name = ModelClusterFixture.FreshName();
        var received = new ConcurrentQueue<ModelChanged>();
        var stream = fixture.Cluster.Client.GetStreamProvider(StreamNames.Provider)
            .GetStream<ModelChanged>(StreamId.Create(StreamNames.Models, name));
        var subscription = await stream.SubscribeAsync((change, _) =>
        {
            received.Enqueue(change);
            return Task.CompletedTask;
        });

        await Registry.RegisterAsync(Upload(name, 0.1));
        var v2 = (await Registry.RegisterAsync(Upload(name, 0.2))).Version!;
        await Registry.PromoteAsync(name, 1, ModelStage.Production, "bob", "first");
        await Registry.PromoteAsync(name, 2, ModelStage.Production, "bob", "better");
        await Registry.RollbackAsync(name, "carol", "worse");

        var events = await ClusterFixture.EventuallyAsync(() => Task.FromResult(received.ToArray()), e => e.Length >= 5);
        await subscription.UnsubscribeAsync();
        Assert.Equal(
            [(1, ModelStage.Production), (1, ModelStage.Archived), (2, ModelStage.Production), (2, ModelStage.Archived), (1, ModelStage.Production)],
            events.Select(e => (e.Version, e.Stage)));
        Assert.All(events, e => Assert.Equal((name, TestConstantCodec.KindName), (e.Name, e.Kind)));
        Assert.Equal(v2.Sha256, events[2].Sha256);
    }

    [Fact]
    public async Task ScoreReportsAreKeptAcrossDeactivationAndDriftIsAnnouncedOnce()
    {
        var name = ModelClusterFixture.FreshName();
        await Registry.RegisterAsync(Upload(name, 0.1));
        await Registry.PromoteAsync(name, 1, ModelStage.Production, "bob", "release");
        var received = new ConcurrentQueue<RetrainRecommended>();
        var subscription = await fixture.Cluster.Client.GetStreamProvider(StreamNames.Provider)
            .GetStream<RetrainRecommended>(StreamId.Create(StreamNames.Models, StreamNames.RetrainKey(name)))
            .SubscribeAsync((recommendation, _) =>
            {
                received.Enqueue(recommendation);
                return Task.CompletedTask;
            });
        var refusedBefore = (await Registry.GetCountsAsync()).RefusedScoreReports;

        // The reference (1,000 calm scores), a calm period, then a shifted one, one malformed report on the way.
        await Registry.ReportScoresAsync([Scores(name, 0, 500), Scores(name, 0, 500), Scores(name, 0, 10) with { Windows = 3 }]);
        await Registry.ReportScoresAsync([Scores(name, 0, 1000)]);
        await Registry.ReportScoresAsync([Scores(name, 12, 1000)]);
        await Registry.ReportScoresAsync([Scores(name, 12, 1000)]);

        // Deactivation writes the reports (the flush timer would, within a minute); the new activation reads them.
        await Registry.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var detail = await Registry.GetAsync(name);
        var scores = Assert.Single(detail!.Scores);
        Assert.Equal((1, 4000L), (scores.Version, scores.Windows));
        Assert.Equal((1000L, 1000L, true, 1), (scores.Drift.ReferenceWindows, scores.Drift.RecentWindows, scores.Drift.RetrainRecommended, scores.Drift.Recommendations));
        Assert.Contains(detail.Audit, e => e.Action == AuditAction.RetrainRecommended && e.Version == 1);
        Assert.Equal(refusedBefore + 1, (await Registry.GetCountsAsync()).RefusedScoreReports);

        var events = await ClusterFixture.EventuallyAsync(() => Task.FromResult(received.ToArray()), e => e.Length >= 1);
        await subscription.UnsubscribeAsync();
        var recommendation = Assert.Single(events);
        Assert.Equal((name, 1, 0.25), (recommendation.Model, recommendation.Version, recommendation.Bound));
        Assert.Equal(scores.Drift.Psi, recommendation.Psi);
    }

    [Fact]
    public async Task EachSiloLoadsAVersionOnceAndSharesTheInstance()
    {
        var name = ModelClusterFixture.FreshName();
        await Registry.RegisterAsync(Upload(name, 0.7));

        foreach (var cache in fixture.Caches())
        {
            var loadsBefore = cache.Loads;
            var models = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => cache.GetAsync(name, 1)));

            Assert.All(models, m => Assert.Same(models[0], m));
            Assert.Equal(loadsBefore + 1, cache.Loads);
            Assert.Equal(0.7, models[0].Score(models[0].NewState(), 0, [1, 0, 5, 9, 12]).Score);
            Assert.Same(models[0], await cache.GetAsync(name, 1));
            var missing = await Assert.ThrowsAsync<ModelArtifactException>(() => cache.GetAsync(name, 2));
            Assert.Contains("no artifact is stored", missing.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>A report of <paramref name="windows"/> scores, all in one bin.</summary>
    private static ModelScoreReport Scores(string name, int bin, long windows)
    {
        var bins = new long[ModelScoreReport.Bins];
        bins[bin] = windows;
        return new ModelScoreReport(name, 1, windows, bins, 0, 0);
    }

    /// <summary>A version's facts by value (the record compares its schema and metrics by reference).</summary>
    private static string Facts(ModelVersion v) =>
        $"{v.Name}/{v.Number} {v.Kind} {v.Stage} {v.Sha256} {v.SizeBytes} {v.CreatedAt:O} {v.CreatedBy} {v.TrainedFrom:O}-{v.TrainedTo:O} " +
        $"{string.Join(',', v.Schema.Signals)} {string.Join(',', v.Metrics.Select(m => $"{m.Key}={m.Value}"))}";

    private static ModelUpload Upload(string name, double score, FeatureSchema? schema = null) => new(
        name, TestConstantCodec.KindName, null, TrainedTo.AddDays(-7), TrainedTo,
        ImmutableSortedDictionary<string, double>.Empty.Add("nab.standard", 55.5), null, "alice", "nightly training",
        TestConstantCodec.Artifact(score, schema));
}
