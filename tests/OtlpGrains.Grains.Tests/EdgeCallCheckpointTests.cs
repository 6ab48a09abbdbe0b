using OtlpGrains.Grains.Tests.Anomalies;
using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>
/// Edge calls are not logged, so they advance no log position: a durable service grain must still checkpoint them when
/// they are all that changed since its last checkpoint, as at a graceful stop, where the trace shards hand their edge
/// calls to the service grains just before those deactivate. In the durable collection, which runs alone: the crash
/// switches of the test doubles are process-wide.
/// </summary>
[Collection(DurableDetectionCollection.Name)]
public sealed class EdgeCallCheckpointTests(DurableServiceFixture fixture)
{
    private const long Second = 1_000_000_000;

    [Fact]
    public async Task EdgeCallsAloneSinceTheLastCheckpointSurviveADeactivation()
    {
        var service = fixture.Grains.GetGrain<IServiceGrain>($"edges-{Guid.NewGuid():N}");
        long now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

        // A batch, then a deactivation that checkpoints it: from here the log position no longer moves.
        await service.IngestSpansAsync(Batch(now - (30 * Second)));
        await DeactivateAsync(service, now);

        // Only edge calls come in, then the grain deactivates again (its checkpoint is all they have).
        await service.AddEdgeCallsAsync(
            [.. Enumerable.Range(0, 7).Select(i => new EdgeCall("cart", false, now - ((20 - i) * Second), 3_000_000, Error: i == 0))]);
        await DeactivateAsync(service, now);

        EdgeStats edge = Assert.Single(await service.GetDownstreamAsync());
        Assert.Equal(("cart", 7L, 1L), (edge.Server, edge.Calls, edge.Errors));
    }

    // A failed append makes the grain deactivate, which checkpoints on the way out; the next call reactivates it.
    private static async Task DeactivateAsync(IServiceGrain service, long now)
    {
        FlakyBatchLog.FailNextAppend = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => service.IngestSpansAsync(Batch(now - (10 * Second))).AsTask());
        await service.GetTotalsAsync();
    }

    private static ServiceSpanBatch Batch(long time) => new(
        Guid.NewGuid(),
        ["GET /a"],
        [new ServiceSpan(time, 5_000_000, 0, SpanKindCode.Server, SpanRole.Request)]);
}
