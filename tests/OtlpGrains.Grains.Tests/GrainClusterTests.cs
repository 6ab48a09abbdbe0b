using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>Service, trace and catalog grains working together on a two-silo cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GrainClusterTests(ClusterFixture fixture)
{
    private static readonly long Now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

    [Fact]
    public async Task ServiceGrainCountsBatchesAndRegistersInTheCatalog()
    {
        var name = $"svc-{Guid.NewGuid():N}";
        var service = fixture.Grains.GetGrain<IServiceGrain>(name);
        var batch = new ServiceSpanBatch(Guid.NewGuid(), ["GET /a", "SELECT"],
        [
            new ServiceSpan(Now, 5_000_000, 0, SpanKindCode.Server, SpanRole.Request | SpanRole.Root),
            new ServiceSpan(Now, 7_000_000, 0, SpanKindCode.Server, SpanRole.Request | SpanRole.Error),
            new ServiceSpan(Now, 1_000_000, 1, SpanKindCode.Client, SpanRole.Error),
        ]);
        await service.IngestSpansAsync(batch);
        await service.IngestSpansAsync(batch with { BatchId = Guid.NewGuid() });

        var summary = await service.GetSummaryAsync();
        Assert.Equal(6, summary.Spans);
        Assert.Equal(4, summary.Requests);
        Assert.Equal(2, summary.Errors); // the failed CLIENT span is not a failed request

        var names = await fixture.Grains.GetGrain<IServiceCatalogGrain>(IServiceCatalogGrain.DefaultKey).GetServicesAsync();
        Assert.Contains(name, names);
    }

    [Fact]
    public async Task TraceSpansArrivingInSeparateRequestsPairIntoEdgesAndErrorTracesAreKept()
    {
        var prefix = Guid.NewGuid().ToString("N")[..8];
        string front = $"{prefix}-front", back = $"{prefix}-back";
        var traceId = Guid.NewGuid().ToString("N");
        var trace = fixture.Grains.GetGrain<ITraceGrain>(traceId);

        // The server side arrives first, from the callee's exporter; the caller's spans come later.
        await AddSpansAsync(trace,
        [
            new TraceSpan(3, 2, back, "POST /work", SpanKindCode.Server, Now - 8_000_000, Now - 2_000_000, 2, true, null),
            new TraceSpan(4, 3, back, "query", SpanKindCode.Client, Now - 7_000_000, Now - 3_000_000, 0, false, "postgresql"),
        ]);
        await AddSpansAsync(trace,
        [
            new TraceSpan(1, 0, front, "GET /", SpanKindCode.Server, Now - 10_000_000, Now, 0, false, null),
            new TraceSpan(2, 1, front, "POST /work", SpanKindCode.Client, Now - 9_000_000, Now - 1_000_000, 0, false, null),
        ]);

        var edges = await ClusterFixture.EventuallyAsync(
            () => fixture.Grains.GetGrain<IServiceGrain>(front).GetDownstreamAsync().AsTask(),
            e => e.Length == 1);
        var edge = Assert.Single(edges);
        Assert.Equal(back, edge.Server);
        Assert.False(edge.Virtual);
        Assert.Equal(1, edge.Calls);
        Assert.Equal(1, edge.Errors); // the server side failed

        var virtualEdges = await ClusterFixture.EventuallyAsync(
            () => fixture.Grains.GetGrain<IServiceGrain>(back).GetDownstreamAsync().AsTask(),
            e => e.Length == 1);
        var toDb = Assert.Single(virtualEdges);
        Assert.Equal("postgresql", toDb.Server);
        Assert.True(toDb.Virtual);

        var kept = await ClusterFixture.EventuallyAsync(() => trace.GetKeptAsync().AsTask(), v => v is not null);
        Assert.NotNull(kept);
        Assert.Equal("error", kept.KeptBecause);
        Assert.Equal(4, kept.Spans.Length);
        Assert.Equal("0000000000000001", kept.Spans[0].SpanId);
    }

    [Fact]
    public async Task OrdinaryTracesAreDroppedAfterCompletion()
    {
        var service = $"{Guid.NewGuid():N}-plain";
        var traceId = Guid.NewGuid().ToString("N");
        var trace = fixture.Grains.GetGrain<ITraceGrain>(traceId);
        await AddSpansAsync(trace,
        [
            new TraceSpan(1, 0, service, "GET /", SpanKindCode.Server, Now - 1_000_000, Now, 0, false, null),
            new TraceSpan(2, 1, service, "call", SpanKindCode.Client, Now - 900_000, Now - 100_000, 0, false, "cache"),
        ]);

        // Completion shows as the virtual edge reaching the service; the trace itself is not kept.
        await ClusterFixture.EventuallyAsync(
            () => fixture.Grains.GetGrain<IServiceGrain>(service).GetDownstreamAsync().AsTask(),
            e => e.Length == 1);
        Assert.Null(await trace.GetKeptAsync());
    }

    [Fact]
    public async Task ATraceWithAnErrorLogIsKept()
    {
        // No span failed, but the service logged an error in the trace (the mark may come before the spans).
        var service = $"{Guid.NewGuid():N}-logged";
        var trace = fixture.Grains.GetGrain<ITraceGrain>(Guid.NewGuid().ToString("N"));
        await MarkErrorLogAsync(trace);
        await AddSpansAsync(trace,
        [
            new TraceSpan(1, 0, service, "GET /", SpanKindCode.Server, Now - 1_000_000, Now, 0, false, null),
        ]);

        var kept = await ClusterFixture.EventuallyAsync(() => trace.GetKeptAsync().AsTask(), v => v is not null);
        Assert.Equal("error_log", kept?.KeptBecause);

        // A mark with no span at all keeps nothing.
        var lonely = fixture.Grains.GetGrain<ITraceGrain>(Guid.NewGuid().ToString("N"));
        await MarkErrorLogAsync(lonely);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Null(await lonely.GetKeptAsync());
    }

    [Fact]
    public async Task SpansArrivingAfterCompletionJoinTheKeptTraceAsItsLaterParts()
    {
        var service = $"{Guid.NewGuid():N}-late";
        var traceId = Guid.NewGuid().ToString("N");
        var trace = fixture.Grains.GetGrain<ITraceGrain>(traceId);
        await AddSpansAsync(trace,
        [
            new TraceSpan(1, 0, service, "GET /", SpanKindCode.Server, Now - 5_000_000, Now, 2, true, null),
            new TraceSpan(2, 1, service, "work", SpanKindCode.Internal, Now - 4_000_000, Now - 1_000_000, 0, false, null),
        ]);
        var first = await ClusterFixture.EventuallyAsync(() => trace.GetKeptAsync().AsTask(), v => v is not null);
        Assert.Equal(2, first?.Spans.Length);

        // A straggler arrives after completion: its own completion keeps it as the trace's second part (its edge is
        // recorded as any client span's), and the trace read back is both parts joined under the first part's root.
        await AddSpansAsync(trace,
        [
            new TraceSpan(3, 1, service, "call", SpanKindCode.Client, Now - 3_000_000, Now - 2_000_000, 0, false, "cache"),
        ]);
        await ClusterFixture.EventuallyAsync(
            () => fixture.Grains.GetGrain<IServiceGrain>(service).GetDownstreamAsync().AsTask(),
            e => e.Length == 1);
        var joined = await ClusterFixture.EventuallyAsync(() => trace.GetKeptAsync().AsTask(), v => v?.Spans.Length == 3);
        Assert.Equal(["0000000000000001", "0000000000000002", "0000000000000003"], joined!.Spans.Select(s => s.SpanId).Order());
        Assert.Equal(0, joined.Orphans);
        Assert.Equal("error", joined.KeptBecause);

        // Four parts at most: parts 3 and 4 are kept, a fifth straggler is not (its completion, 0.5 s idle, is waited
        // out three times over before the trace is read).
        for (ulong span = 4; span <= 5; span++)
        {
            await AddSpansAsync(trace, [new TraceSpan(span, 1, service, "more", SpanKindCode.Internal, Now - 3_000_000, Now - 2_000_000, 0, false, null)]);
            var expected = (int)span;
            await ClusterFixture.EventuallyAsync(() => trace.GetKeptAsync().AsTask(), v => v?.Spans.Length == expected);
        }

        await AddSpansAsync(trace, [new TraceSpan(6, 1, service, "more", SpanKindCode.Internal, Now - 3_000_000, Now - 2_000_000, 0, false, null)]);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(5, (await trace.GetKeptAsync())?.Spans.Length);
    }

    /// <summary>Hands spans to the trace's shard, as the gateway does.</summary>
    private Task AddSpansAsync(ITraceGrain trace, TraceSpan[] spans)
    {
        var traceId = TraceKey.Parse(trace.GetPrimaryKeyString());
        return fixture.Grains.GetGrain<ITraceShardGrain>(TraceShards.Of(traceId))
            .AddSpansAsync(new TraceShardBatch(Guid.NewGuid(), [new TraceSpanBatch(traceId, spans)])).AsTask();
    }

    private Task MarkErrorLogAsync(ITraceGrain trace)
    {
        var traceId = TraceKey.Parse(trace.GetPrimaryKeyString());
        return fixture.Grains.GetGrain<ITraceShardGrain>(TraceShards.Of(traceId)).MarkErrorLogsAsync([traceId]).AsTask();
    }
}
