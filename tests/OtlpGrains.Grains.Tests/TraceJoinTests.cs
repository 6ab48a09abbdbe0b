using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>
/// The join on the two-silo cluster: halves meet in their join shard, which moves the server's trace under the client
/// span in the trace shards (across shards or within one), spans of the server trace that come later follow, and a
/// client trace that completed first takes the server's spans as a later part, counted late.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TraceJoinTests(ClusterFixture fixture)
{
    private static long Now => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task APairMovesTheServerTraceUnderTheClientSpanAndItsStragglersFollow(bool sameShard)
    {
        using var joined = SiloCollectors.Of(fixture, "joined_requests_total");
        string front = $"front-{Guid.NewGuid():N}"[..14], back = $"back-{Guid.NewGuid():N}"[..13];
        var (clientTrace, serverTrace) = Traces(sameShard);
        long now = Now;
        await AddSpansAsync(clientTrace, [new TraceSpan(1, 0, front, "GET", SpanKindCode.Client, now - 50_000_000, now, 0, false, "10.96.0.1")]);
        await AddSpansAsync(serverTrace, [new TraceSpan(2, 0, back, "GET /x", SpanKindCode.Server, now - 40_000_000, now - 10_000_000, 2, true, null)]);

        var key = new ConnectionKey("10.244.1.1", 40000, "10.244.2.2", 8080);
        await fixture.Grains.GetGrain<IJoinShardGrain>(JoinShards.Of(key)).AddHalvesAsync(
        [
            new JoinHalf(key, true, now - 40_000_000, now - 10_000_000, serverTrace, 2, -1),
            new JoinHalf(key, false, now - 50_000_000, now, clientTrace, 1, -1),
        ]);

        // A span of the server trace that its node exported after the pair was found.
        await Task.Delay(300);
        await AddSpansAsync(serverTrace, [new TraceSpan(3, 2, back, "SELECT", SpanKindCode.Client, now - 30_000_000, now - 20_000_000, 0, false, "postgresql")]);

        var kept = await ClusterFixture.EventuallyAsync(
            () => fixture.Grains.GetGrain<ITraceGrain>(clientTrace.ToString()).GetKeptAsync().AsTask(), v => v?.Spans.Length == 3);
        Assert.NotNull(kept);
        Assert.Equal(["0000000000000001", "0000000000000002", "0000000000000003"], kept.Spans.Select(s => s.SpanId));
        Assert.Equal([null, "0000000000000001", "0000000000000002"], kept.Spans.Select(s => s.ParentSpanId));
        Assert.Null(await fixture.Grains.GetGrain<ITraceGrain>(serverTrace.ToString()).GetKeptAsync());

        var edge = Assert.Single(await ClusterFixture.EventuallyAsync(
            () => fixture.Grains.GetGrain<IServiceGrain>(front).GetDownstreamAsync().AsTask(), e => e.Length > 0));
        Assert.Equal((back, false, 1L), (edge.Server, edge.Virtual, edge.Calls));
        Assert.Equal(1, joined.Sum());
    }

    [Fact]
    public async Task AServerHalfAfterItsClientTraceCompletedBecomesALaterPartCountedLate()
    {
        using var late = SiloCollectors.Of(fixture, "join_late_total");
        using var halves = SiloCollectors.Of(fixture, "join_halves_total");
        string front = $"front-{Guid.NewGuid():N}"[..14];
        var (clientTrace, serverTrace) = Traces(sameShard: false);
        long now = Now;
        await AddSpansAsync(clientTrace, [new TraceSpan(1, 0, front, "GET", SpanKindCode.Client, now - 50_000_000, now, 2, true, "10.96.0.1")]);
        var first = await ClusterFixture.EventuallyAsync(
            () => fixture.Grains.GetGrain<ITraceGrain>(clientTrace.ToString()).GetKeptAsync().AsTask(), v => v is not null);
        Assert.NotNull(first);

        await AddSpansAsync(serverTrace, [new TraceSpan(2, 0, "back", "GET /x", SpanKindCode.Server, now - 40_000_000, now - 10_000_000, 0, false, null)]);
        var key = new ConnectionKey("10.244.1.3", 40000, "10.244.2.4", 8080);
        await fixture.Grains.GetGrain<IJoinShardGrain>(JoinShards.Of(key)).AddHalvesAsync(
        [
            new JoinHalf(key, false, now - 50_000_000, now, clientTrace, 1, -1),
            new JoinHalf(key, true, now - 40_000_000, now - 10_000_000, serverTrace, 2, -1),
        ]);

        var whole = await ClusterFixture.EventuallyAsync(
            () => fixture.Grains.GetGrain<ITraceGrain>(clientTrace.ToString()).GetKeptAsync().AsTask(), v => v?.Spans.Length == 2);
        Assert.Equal("0000000000000001", whole?.Spans[1].ParentSpanId);
        Assert.Equal(1, late.Sum());
        Assert.Equal((1, 1), (halves.Sum("client"), halves.Sum("server")));
    }

    [Fact]
    public async Task AMoveOrderedBeforeTheServerTracesSpansArriveMovesThemAsTheyCome()
    {
        string front = $"front-{Guid.NewGuid():N}"[..14];
        var (clientTrace, serverTrace) = Traces(sameShard: false);
        long now = Now;
        await AddSpansAsync(clientTrace, [new TraceSpan(1, 0, front, "GET", SpanKindCode.Client, now - 50_000_000, now, 0, false, "10.96.0.1")]);
        await fixture.Grains.GetGrain<ITraceShardGrain>(TraceShards.Of(serverTrace)).MoveTracesAsync([new TraceMove(serverTrace, 2, clientTrace, 1)]);
        await AddSpansAsync(serverTrace, [new TraceSpan(2, 0, "back", "GET /x", SpanKindCode.Server, now - 40_000_000, now - 10_000_000, 2, true, null)]);

        var kept = await ClusterFixture.EventuallyAsync(
            () => fixture.Grains.GetGrain<ITraceGrain>(clientTrace.ToString()).GetKeptAsync().AsTask(), v => v?.Spans.Length == 2);
        Assert.Equal([null, "0000000000000001"], kept?.Spans.Select(s => s.ParentSpanId));
    }

    [Fact]
    public async Task HalvesThatNeverMeetExpireCountedBySide()
    {
        using var expired = SiloCollectors.Of(fixture, "join_expired_halves_total");
        var key = new ConnectionKey("10.244.1.5", 40000, "10.244.2.6", 8080);
        long now = Now;
        await fixture.Grains.GetGrain<IJoinShardGrain>(JoinShards.Of(key)).AddHalvesAsync(
        [
            new JoinHalf(key, false, now - 50_000_000, now, new TraceKey(7, 7), 1, -1),
            new JoinHalf(key, true, now + 5_000_000_000, now + 5_100_000_000, new TraceKey(8, 8), 2, -1),
        ]);

        await ClusterFixture.EventuallyAsync(() => Task.FromResult(expired.Sum()), n => n == 2);
        Assert.Equal((1, 1), (expired.Sum("client"), expired.Sum("server")));
    }

    // Two fresh trace ids whose shards are the same or differ.
    private static (TraceKey Client, TraceKey Server) Traces(bool sameShard)
    {
        var client = TraceKey.Parse(Guid.NewGuid().ToString("N"));
        ulong high = (ulong)Random.Shared.NextInt64();
        ulong low = client.Low + (sameShard ? (ulong)TraceShards.Count : 1);
        return (client, new TraceKey(high, low));
    }

    private Task AddSpansAsync(TraceKey trace, TraceSpan[] spans) =>
        fixture.Grains.GetGrain<ITraceShardGrain>(TraceShards.Of(trace))
            .AddSpansAsync(new TraceShardBatch(Guid.NewGuid(), [new TraceSpanBatch(trace, spans)])).AsTask();
}
