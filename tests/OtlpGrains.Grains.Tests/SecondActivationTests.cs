using OtlpGrains.Grains.Services;
using OtlpGrains.Grains.Tests.Anomalies;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>
/// Two activations of one service grain at once (Orleans allows it briefly during membership changes) share one batch
/// log. The newer one fences the log before it replays, so the older one's appends fail from then on, and the batches
/// the newer one logged are counted after all; without the fence the older one counted on past them and a checkpoint
/// left them out for good (<c>tools/model/ingest.pml</c> found the path). In the durable collection: the test doubles
/// are process-wide.
/// </summary>
[Collection(DurableDetectionCollection.Name)]
public sealed class SecondActivationTests(DurableServiceFixture fixture)
{
    private const long Second = 1_000_000_000;

    [Fact]
    public async Task AnActivationFencedOutByANewerOneRefusesAndTheNewerOnesBatchesAreCounted()
    {
        var name = $"two-activations-{Guid.NewGuid():N}";
        var service = fixture.Grains.GetGrain<IServiceGrain>(name);
        long start = ((DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100) - (600 * Second);
        for (int i = 0; i < 5; i++)
        {
            await service.IngestSpansAsync(Batch(start + (i * Second)));
        }

        // A newer activation fences the log and logs a batch (and acknowledges it); its retry reaches this activation.
        var other = Batch(start + (6 * Second));
        FlakyBatchLog.FenceAsAnotherActivation(name);
        FlakyBatchLog.AppendAsAnotherActivation(name, new LoggedBatch(other.BatchId, other, null, null));
        await Assert.ThrowsAsync<LogFencedException>(() => service.IngestSpansAsync(other).AsTask());

        // The sender retries; the grain is activated again, fences, replays the other batch and skips the retry.
        await service.IngestSpansAsync(other);
        await service.IngestSpansAsync(Batch(start + (7 * Second)));
        FlakyBatchLog.FailNextAppend = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => service.IngestSpansAsync(Batch(start)).AsTask());

        Assert.Equal(7 * 4, (await service.GetTotalsAsync()).Spans);
    }

    private static ServiceSpanBatch Batch(long time) => new(
        Guid.NewGuid(),
        ["GET /"],
        [.. Enumerable.Range(0, 4).Select(i => new ServiceSpan(time + (i * 1_000_000L), 5_000_000L, 0, SpanKindCode.Server, SpanRole.Request))]);
}
