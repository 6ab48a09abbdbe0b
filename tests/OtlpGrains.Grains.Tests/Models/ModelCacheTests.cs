using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using OtlpGrains.Grains.Models;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.Models.Registry;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Grains.Tests.Models;

/// <summary>The cache's bound and its retry after a failed load, over the test cluster's artifact grains.</summary>
[Collection(ModelClusterCollection.Name)]
public sealed class ModelCacheTests(ModelClusterFixture fixture)
{
    [Fact]
    public async Task KeepsTheMostRecentlyUsedVersionsWithinItsBound()
    {
        var name = ModelClusterFixture.FreshName();
        for (var i = 1; i <= 3; i++)
        {
            Assert.True((await fixture.Registry.RegisterAsync(Upload(name, i / 10.0))).Succeeded);
        }

        var cache = NewCache(capacity: 2);
        var first = await cache.GetAsync(name, 1);
        await cache.GetAsync(name, 2);
        Assert.Same(first, await cache.GetAsync(name, 1));
        await cache.GetAsync(name, 3);
        Assert.Equal(3, cache.Loads);

        // Version 2 was the least recently used, so it went when 3 came; 1 stayed.
        Assert.Same(first, await cache.GetAsync(name, 1));
        Assert.Equal(3, cache.Loads);
        await cache.GetAsync(name, 2);
        Assert.Equal(4, cache.Loads);
    }

    [Fact]
    public async Task AFailedLoadIsTriedAgainOnTheNextRequest()
    {
        var name = ModelClusterFixture.FreshName();
        var cache = NewCache(capacity: 4);
        await Assert.ThrowsAsync<ModelArtifactException>(() => cache.GetAsync(name, 1));

        Assert.True((await fixture.Registry.RegisterAsync(Upload(name, 0.9))).Succeeded);
        var model = await cache.GetAsync(name, 1);

        Assert.Equal(0.9, model.Score(model.NewState(), 0, [1, 2, 3, 4, 5]).Score);
    }

    private ModelCache NewCache(int capacity) =>
        new(fixture.Grains, new ModelCodecs([new TestConstantCodec()]), Options.Create(new ModelRegistryOptions { CachedModels = capacity }));

    private static ModelUpload Upload(string name, double score) => new(
        name, TestConstantCodec.KindName, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
        ImmutableSortedDictionary<string, double>.Empty, null, "alice", string.Empty, TestConstantCodec.Artifact(score));
}
