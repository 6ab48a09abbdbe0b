using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

public sealed class SpanLabelCacheTests
{
    [Fact]
    public void SpansWithTheSameNamesShareOneLabelAndAnyOtherNameGetsItsOwn()
    {
        var cache = new SpanLabelCache();
        string service = "checkout", name = "GET /cart", peer = "redis";

        SpanLabel label = cache.Get(service, name, peer);

        Assert.Same(label, cache.Get(service, name, peer));
        Assert.Equal(new SpanLabel("checkout", "GET /cart", "redis"), label);
        Assert.NotSame(label, cache.Get(service, name, null));
        Assert.NotSame(label, cache.Get(service, "GET /orders", peer));
    }

    [Fact]
    public void AStringThePoolDidNotShareOnlyMissesAndGivesAnEqualLabel()
    {
        var cache = new SpanLabelCache();
        SpanLabel pooled = cache.Get("checkout", "GET /cart", null);

        // The same text in another string instance: an equal label (value equality), not the shared one.
        SpanLabel copy = cache.Get(new string("checkout".AsSpan()), "GET /cart", null);

        Assert.Equal(pooled, copy);
        Assert.NotSame(pooled, copy);
    }

    [Fact]
    public void UniqueNamesWithoutEndKeepTheCacheWithinItsCapacity()
    {
        var cache = new SpanLabelCache();
        for (int i = 0; i < SpanLabelCache.Capacity * 3; i++)
        {
            Assert.Equal($"op {i}", cache.Get("svc", $"op {i}", null).Name);
        }

        Assert.InRange(cache.Count, 1, SpanLabelCache.Capacity);
    }
}
