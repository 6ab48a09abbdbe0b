using System.Text.Json;
using System.Text.Json.Serialization;
using OtlpGrains.Grains.Tests.Anomalies;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>
/// A durable service grain checkpoints incrementally (sealed windows to the window store, then the head) and restores
/// to exactly the acknowledged counts and windows, also when its window store fails or it dies between the two writes
/// of a checkpoint. In the
/// durable collection, which runs alone: the crash switches of the test doubles are process-wide.
/// </summary>
[Collection(DurableDetectionCollection.Name)]
public sealed class IncrementalCheckpointGrainTests(DurableServiceFixture fixture)
{
    private const long Second = 1_000_000_000;
    private const int Batches = 70;

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    [Fact]
    public async Task ACheckpointThatFailsAtEitherWriteRestoresTheAcknowledgedState()
    {
        var name = $"incremental-{Guid.NewGuid():N}";
        var service = fixture.Grains.GetGrain<IServiceGrain>(name);

        // A batch every 20 s of event time over the last 1400 s (aligned to the 10 s windows): with 300 s of allowed
        // lateness, windows seal as the batches go.
        long now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        long start = (now / (10 * Second) * (10 * Second)) - (1500 * Second);
        ServiceSpanBatch[] batches = [.. Enumerable.Range(0, Batches).Select(i => Batch(start + (i * 20 * Second), i))];

        // Batches 0-29, then a failed append: the grain deactivates and checkpoints (windows, then head).
        await FeedInOrder(service, batches, 0, 30);
        await FailOnce(service, start);
        int afterFirst = SharedWindowStore.WrittenOf(name);
        Assert.True(afterFirst > 0, "the first checkpoint stored no sealed window");

        // Batches 30-39; then the window store fails a checkpoint, which must then leave the head as it was.
        await FeedInOrder(service, batches, 30, 40);
        SharedWindowStore.FailNextWrite = true;
        await FailOnce(service, start);
        Assert.False(SharedWindowStore.FailNextWrite, "no checkpoint tried to store windows");

        // Batches 40-49; then the grain storage refuses the head: the next checkpoint stores its windows and dies.
        await FeedInOrder(service, batches, 40, 50);
        FreezableGrainStorage.Frozen = true;
        try
        {
            await FailOnce(service, start);
            Assert.True(SharedWindowStore.WrittenOf(name) > afterFirst, "the failed checkpoint stored no window ahead of its head");

            // The next call restores the first head, the store (which ran ahead of it) and replays batches 30-49.
            await FeedInOrder(service, batches, 50, Batches);
        }
        finally
        {
            FreezableGrainStorage.Frozen = false;
        }

        string expected = Describe(Uninterrupted(batches));
        Assert.Equal(20 * Batches, (await service.GetTotalsAsync()).Spans);
        Assert.Equal(expected, await DescribeAsync(service));

        // Once more through a checkpoint that succeeds: its head relies on the store for every sealed window.
        await FailOnce(service, start);
        Assert.Equal(expected, await DescribeAsync(service));
    }

    private static async Task FeedInOrder(IServiceGrain service, ServiceSpanBatch[] batches, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            await service.IngestSpansAsync(batches[i]);
        }
    }

    // A failed append makes the grain deactivate, which checkpoints on the way out; the next call reactivates it.
    private static async Task FailOnce(IServiceGrain service, long start)
    {
        FlakyBatchLog.FailNextAppend = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => service.IngestSpansAsync(Batch(start, 99)).AsTask());
        await service.GetTotalsAsync();
    }

    private static ServiceStatistics Uninterrupted(ServiceSpanBatch[] batches)
    {
        var statistics = new ServiceStatistics(new ServiceWindowOptions(), TimeProvider.System);
        foreach (ServiceSpanBatch batch in batches)
        {
            statistics.AddSpans(batch);
            statistics.TakeClosedWindows();
        }

        return statistics;
    }

    private static string Describe(ServiceStatistics statistics) =>
        Describe(statistics.Windows(null, null), statistics.Detail("svc", null, null), statistics.Totals);

    private static async Task<string> DescribeAsync(IServiceGrain service) =>
        Describe(await service.GetWindowsAsync(null, null), await service.GetDetailAsync(null, null), await service.GetTotalsAsync());

    private static string Describe(WindowSnapshot[] windows, ServiceDetail detail, ServiceTotals totals) =>
        JsonSerializer.Serialize(new { windows, detail.Series, detail.Operations, detail.LatencyMs, totals }, Json);

    // 20 spans ending 1-5 s after the given time, one failed; the seed varies durations between batches.
    private static ServiceSpanBatch Batch(long time, int seed) => new(
        Guid.NewGuid(),
        ["GET /a", "GET /b"],
        [.. Enumerable.Range(0, 20).Select(i => new ServiceSpan(
            time + ((1 + (i % 5)) * Second),
            (5 + seed + (i * 3)) * 1_000_000L,
            i % 2,
            SpanKindCode.Server,
            i == seed % 20 ? SpanRole.Request | SpanRole.Error : SpanRole.Request))]);
}
