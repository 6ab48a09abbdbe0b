using OtlpGrains.Interfaces;
using OtlpGrains.Models.Services;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>The drops the grains count on their meter, read from both silos of the cluster while the test runs.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GrainInstrumentsTests(ClusterFixture fixture)
{
    private static readonly long Now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

    [Fact]
    public async Task EdgeCallsToCalleesBeyondMaxEdgesAreCountedAsRefused()
    {
        using var refused = Collect("refused_edge_calls_total");
        var service = fixture.Grains.GetGrain<IServiceGrain>($"edges-{Guid.NewGuid():N}");
        int beyond = 5;
        var calls = Enumerable.Range(0, new ServiceWindowOptions().MaxEdges + beyond)
            .Select(i => new EdgeCall($"peer-{i}", true, Now, 1_000_000, false))
            .ToArray();

        await service.AddEdgeCallsAsync(calls);
        await service.AddEdgeCallsAsync(calls[..10]); // callees it already has: nothing more refused

        Assert.Equal(beyond, refused.Sum());
    }

    [Fact]
    public async Task SpansTooLateForTheWindowsAreCountedAsLate()
    {
        using var late = Collect("late_spans_total");
        var service = fixture.Grains.GetGrain<IServiceGrain>($"late-{Guid.NewGuid():N}");
        long hourAgo = Now - (3600L * 1_000_000_000);

        await service.IngestSpansAsync(new ServiceSpanBatch(Guid.NewGuid(), ["GET /"], [new ServiceSpan(Now, 1_000_000, 0, SpanKindCode.Server, SpanRole.Request)]));
        await service.IngestSpansAsync(new ServiceSpanBatch(Guid.NewGuid(), ["GET /"],
        [
            new ServiceSpan(hourAgo, 1_000_000, 0, SpanKindCode.Server, SpanRole.Request),
            new ServiceSpan(hourAgo, 2_000_000, 0, SpanKindCode.Server, SpanRole.Request),
            new ServiceSpan(Now, 2_000_000, 0, SpanKindCode.Server, SpanRole.Request),
        ]));

        Assert.Equal(2, late.Sum());
        Assert.Equal(2, (await service.GetTotalsAsync()).LateSpans);
    }

    [Fact]
    public async Task SpansBeyondMaxSpansOfATraceAreCountedAsCut()
    {
        using var cut = Collect("cut_spans_total");
        var traceId = TraceKey.Parse(Guid.NewGuid().ToString("N"));
        int max = new Traces.TraceOptions().MaxSpans;
        var spans = Enumerable.Range(1, max + 3).Select(i => TraceTestSpans.Span((ulong)i, 0, "cut", 0, 1)).ToArray();

        await fixture.Grains.GetGrain<ITraceShardGrain>(TraceShards.Of(traceId))
            .AddSpansAsync(new TraceShardBatch(Guid.NewGuid(), [new TraceSpanBatch(traceId, spans)]));

        Assert.Equal(3, cut.Sum());
    }

    /// <summary>One collector per silo: the grain may live on either.</summary>
    private SiloCollectors Collect(string instrument) => SiloCollectors.Of(fixture, instrument);
}
