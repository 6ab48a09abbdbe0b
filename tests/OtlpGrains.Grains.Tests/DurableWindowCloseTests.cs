using OtlpGrains.Interfaces;
using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>
/// A service grain that loses its state since the last checkpoint (as when its silo is killed) replays its log and
/// gives the sink the windows closed since that checkpoint again, and no window closed before it.
/// </summary>
public sealed class DurableWindowCloseTests(DurableServiceFixture fixture) : IClassFixture<DurableServiceFixture>
{
    private const long Second = 1_000_000_000;

    [Fact]
    public async Task AReactivationWithoutCheckpointReplaysTheWindowsClosedSinceTheLastCheckpointOnly()
    {
        var name = $"durable-{Guid.NewGuid():N}";
        var service = fixture.Grains.GetGrain<IServiceGrain>(name);

        // Six batches, 20 s of event time apart, in the recent past (aligned to the 10 s windows).
        long now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        long start = (now / (10 * Second) * (10 * Second)) - (250 * Second);
        ServiceSpanBatch[] batches = [.. Enumerable.Range(0, 6).Select(i => Batch(start + (i * 20 * Second), i))];
        var (expected, stages) = Uninterrupted(batches);

        for (int i = 0; i < 3; i++)
        {
            await service.IngestSpansAsync(batches[i]);
        }

        // The log fails once: the grain deactivates and checkpoints batches 1-3 on the way out.
        FlakyBatchLog.FailNextAppend = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => service.IngestSpansAsync(Batch(start, 99)).AsTask());
        await service.IngestSpansAsync(batches[3]);
        await service.IngestSpansAsync(batches[4]);

        // Now the storage refuses writes: batches 4-5 never reach a checkpoint, only the log.
        FreezableGrainStorage.Frozen = true;
        try
        {
            FlakyBatchLog.FailNextAppend = true;
            await Assert.ThrowsAsync<InvalidOperationException>(() => service.IngestSpansAsync(Batch(start, 98)).AsTask());
            await service.IngestSpansAsync(batches[5]);
        }
        finally
        {
            FreezableGrainStorage.Frozen = false;
        }

        // Windows of batches 1-3 reach the sink once; those of 4-5 twice (before the crash and in the replay).
        string[] received = Describe(RecordingWindowCloseSink.Of(name));
        string[] first = expected[..stages[0]];
        string[] sinceCheckpoint = expected[stages[0]..stages[1]];
        string[] last = expected[stages[1]..];
        Assert.All(new[] { first, sinceCheckpoint, last }, part => Assert.NotEmpty(part));
        Assert.Equal([.. first, .. sinceCheckpoint, .. sinceCheckpoint, .. last], received);
        Assert.Equal(20 * 6, (await service.GetTotalsAsync()).Spans);
    }

    // The closes an uninterrupted service gives, and how many it had given after batch 3 and after batch 5.
    private static (string[] Closes, int[] Stages) Uninterrupted(ServiceSpanBatch[] batches)
    {
        var statistics = new ServiceStatistics(new ServiceWindowOptions(), TimeProvider.System);
        var closes = new List<ClosedWindow>();
        var stages = new List<int>();
        for (int i = 0; i < batches.Length; i++)
        {
            statistics.AddSpans(batches[i]);
            closes.AddRange(statistics.TakeClosedWindows());
            if (i is 2 or 4)
            {
                stages.Add(closes.Count);
            }
        }

        return (Describe(closes), [.. stages]);
    }

    private static string[] Describe(IEnumerable<ClosedWindow> windows) =>
        [.. windows.Select(w => $"{w.Signal} {w.StartUnixNano} {string.Join(',', w.Features)}")];

    // 20 spans ending 1-5 s after the given time, one failed; the seed varies durations between batches.
    private static ServiceSpanBatch Batch(long time, int seed) => new(
        Guid.NewGuid(),
        ["GET /a"],
        [.. Enumerable.Range(0, 20).Select(i => new ServiceSpan(
            time + ((1 + (i % 5)) * Second),
            (5 + seed + i) * 1_000_000L,
            0,
            SpanKindCode.Server,
            i == seed % 20 ? SpanRole.Request | SpanRole.Error : SpanRole.Request))]);
}
