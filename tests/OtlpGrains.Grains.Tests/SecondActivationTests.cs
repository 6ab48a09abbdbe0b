using OtlpGrains.Grains.Services;
using OtlpGrains.Grains.Tests.Anomalies;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>
/// Two activations of one service grain at once (Orleans allows it briefly during membership changes) share one batch
/// log. When this activation finds a batch logged under a number it did not know of, it must not count past that
/// number: the other activation's batch would then be missing from every checkpoint from here on (found while modelling
/// the protocol for spin, <c>tools/model/ingest.pml</c>). In the durable collection: the test doubles are process-wide.
/// </summary>
[Collection(DurableDetectionCollection.Name)]
public sealed class SecondActivationTests(DurableServiceFixture fixture)
{
    private const long Second = 1_000_000_000;

    [Fact]
    public async Task ABatchLoggedByAnotherActivationIsCountedAfterThisOneSeesItsRetry()
    {
        var name = $"two-activations-{Guid.NewGuid():N}";
        var service = fixture.Grains.GetGrain<IServiceGrain>(name);
        long start = ((DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100) - (600 * Second);
        for (int i = 0; i < 5; i++)
        {
            await service.IngestSpansAsync(Batch(start + (i * Second)));
        }

        // The other activation logs a batch under the next number and acknowledges it; its retry then reaches this
        // activation, which finds it in the log (a duplicate) without having counted it.
        var other = Batch(start + (6 * Second));
        FlakyBatchLog.AppendAsAnotherActivation(name, FlakyBatchLog.LastSequence(name) + 1, new LoggedBatch(other.BatchId, other, null, null));
        await service.IngestSpansAsync(other);

        // A batch after it, then a restart (a failed append deactivates the grain, which checkpoints on the way out).
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
