using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Models.Services;
using OtlpGrains.Models.Statistics;
using Xunit;

namespace OtlpGrains.Models.Tests.Services;

/// <summary>
/// A bucket is sealed once no event can land in it any more; sealed buckets a caller stores apart leave the windows'
/// serialized state and come back on a restore, only as far as that state says the store reaches. (The buckets
/// here are metric states, counting in Points.)
/// </summary>
public sealed class SealedWindowTests : IDisposable
{
    private const long Second = 1_000_000_000;
    private const long Far = long.MaxValue / 2;

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void ABucketIsSealedOnceTheWatermarkPassedItsEndByTheAllowedLateness()
    {
        var windows = Windows();
        windows.Place(5 * Second, Far, out _);
        windows.Place(39 * Second, Far, out _);
        Assert.Equal(-1, windows.SealedThroughKey);

        windows.Place(40 * Second, Far, out _);
        Assert.Equal(0, windows.SealedThroughKey);

        // The lateness rule and the seal agree: the newest event of bucket 0 is refused now, bucket 1's oldest is not.
        Assert.Null(windows.Place((10 * Second) - 1, Far, out WindowPlacement late));
        Assert.Equal(WindowPlacement.Late, late);
        Assert.NotNull(windows.Place(10 * Second, Far, out _));
    }

    [Fact]
    public void OnlySealedBucketsCanBeStored()
    {
        var windows = Windows();
        Assert.Throws<ArgumentOutOfRangeException>(() => windows.MarkStored(0));
        windows.Place(65 * Second, Far, out _);
        Assert.Equal(2, windows.SealedThroughKey);
        Assert.Throws<ArgumentOutOfRangeException>(() => windows.MarkStored(3));
    }

    [Fact]
    public void StoredBucketsLeaveTheSerializedStateAndComeBackOnRestore()
    {
        var windows = Windows(retentionSeconds: 100);
        foreach (long second in new long[] { 1, 12, 25, 41, 53, 66, 71 })
        {
            windows.Place(second * Second, Far, out _)!.Points += second;
        }

        // Watermark 71 s, lateness 30 s: buckets 0-3 are sealed.
        Assert.Equal([0L, 1, 2], windows.Unstored().Select(w => w.StartUnixNano / (10 * Second)));
        var stored = windows.Unstored().ToDictionary(w => w.StartUnixNano / (10 * Second), w => RoundTrip(w.Bucket));
        windows.MarkStored(3);
        Assert.Empty(windows.Unstored());

        EventTimeWindows<MetricWindowState> head = RoundTrip(windows);
        Assert.Equal([4L, 5, 6, 7], head.All().Select(w => w.StartUnixNano / (10 * Second)));
        Assert.Equal(3, head.StoredThroughKey);

        // The store ran ahead (a checkpoint that failed after its windows): what lies beyond the head is not taken.
        Assert.False(head.RestoreStored(4, new MetricWindowState { Points = 999 }));
        foreach ((long key, MetricWindowState bucket) in stored)
        {
            Assert.True(head.RestoreStored(key, bucket));
        }

        Assert.False(head.RestoreStored(0, new MetricWindowState { Points = 999 }));
        Assert.Equal(Describe(windows), Describe(head));
        Assert.Equal(RoundTripBytes(windows), RoundTripBytes(head));
    }

    [Fact]
    public void StoredBucketsFallOutOfRetentionLikeTheOthers()
    {
        var windows = Windows();
        windows.Place(1 * Second, Far, out _)!.Points = 1;
        windows.Place(45 * Second, Far, out _)!.Points = 2;
        windows.MarkStored(0);
        windows.Place(105 * Second, Far, out _)!.Points = 3;

        // Retention 60 s: the ring holds buckets 4-10; the stored bucket 0 is gone, and a restore does not bring it back.
        Assert.Equal([4L, 10], windows.All().Select(w => w.StartUnixNano / (10 * Second)));
        Assert.Equal(4, windows.OldestRetainedKey);
        Assert.False(windows.RestoreStored(0, new MetricWindowState { Points = 1 }));
    }

    private static EventTimeWindows<MetricWindowState> Windows(int retentionSeconds = 60) =>
        new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(retentionSeconds), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(300));

    private static string Describe(EventTimeWindows<MetricWindowState> windows) =>
        string.Join(' ', windows.All().Select(w => $"{w.StartUnixNano / Second}:{w.Bucket.Points}"));

    private T RoundTrip<T>(T value)
    {
        Serializer serializer = _services.GetRequiredService<Serializer>();
        return serializer.Deserialize<T>(serializer.SerializeToArray(value)) ?? throw new InvalidOperationException("null copy");
    }

    private byte[] RoundTripBytes<T>(T value) => _services.GetRequiredService<Serializer>().SerializeToArray(value);
}
