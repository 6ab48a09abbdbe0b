using OtlpGrains.Interfaces;
using OtlpGrains.Models.Joins;
using Xunit;

namespace OtlpGrains.Models.Tests.Joins;

public sealed class ConnectionJoinTests
{
    private const long Ms = 1_000_000;
    private static readonly ConnectionKey Conn = new("10.0.1.7", 40312, "10.0.2.9", 8080);
    private static readonly ConnectionKey Other = new("10.0.1.7", 40313, "10.0.2.9", 8080);

    private static ulong _nextId = 1;

    private static JoinHalf Client(ConnectionKey key, long startMs, long endMs, long stream = -1) =>
        Half(key, false, startMs, endMs, stream);

    private static JoinHalf Server(ConnectionKey key, long startMs, long endMs, long stream = -1) =>
        Half(key, true, startMs, endMs, stream);

    private static JoinHalf Half(ConnectionKey key, bool server, long startMs, long endMs, long stream)
    {
        ulong id = Interlocked.Increment(ref _nextId);
        return new JoinHalf(key, server, startMs * Ms, endMs * Ms, new TraceKey(id, id), id, stream);
    }

    private static ConnectionJoin Join(long skewMs = 5, long ttl = 1000, int max = 1000) => new(skewMs * Ms, ttl, max);

    private static void AssertPairs(IEnumerable<(JoinHalf Client, JoinHalf Server)> expected, List<TraceMove> moves) =>
        Assert.Equal(
            expected.Select(p => new TraceMove(p.Server.Trace, p.Server.SpanId, p.Client.Trace, p.Client.SpanId)).OrderBy(m => m.ServerSpanId),
            moves.OrderBy(m => m.ServerSpanId));

    [Fact]
    public void HalvesOfOneRequestPairWhicheverArrivesFirst()
    {
        var join = Join();
        var client = Client(Conn, 100, 200);
        var server = Server(Conn, 110, 190);
        var moves = new List<TraceMove>();
        join.Add([server], now: 0, moves);
        Assert.Empty(moves);
        join.Add([client], now: 1, moves);

        AssertPairs([(client, server)], moves);
        Assert.Equal(0, join.Count);
        var counts = join.TakeCounts();
        Assert.Equal((1, 1, 1), (counts.ClientHalves, counts.ServerHalves, counts.Joined));
        Assert.Equal(default, join.TakeCounts());
    }

    [Fact]
    public void KeepAliveRequestsPairInOrderEvenWithinTheSkewOfTheirNeighbours()
    {
        // Back-to-back requests 2 ms apart with a 50 ms skew allowance: each server span fits inside several client
        // spans, but only its own without overshoot.
        var join = Join(skewMs: 50);
        var clients = Enumerable.Range(0, 10).Select(i => Client(Conn, 100 + (i * 12), 110 + (i * 12))).ToArray();
        var servers = Enumerable.Range(0, 10).Select(i => Server(Conn, 101 + (i * 12), 109 + (i * 12))).ToArray();
        var moves = new List<TraceMove>();
        join.Add(clients, 0, moves);
        join.Add([.. servers.Reverse()], 1, moves);

        AssertPairs(clients.Zip(servers), moves);
    }

    [Fact]
    public void AServerHalfSkipsAClientWhoseOwnServerHalfWasLost()
    {
        var join = Join(skewMs: 50);
        var lostOne = Client(Conn, 100, 110);
        var client = Client(Conn, 112, 122);
        var server = Server(Conn, 113, 121);
        var moves = new List<TraceMove>();
        join.Add([lostOne, client, server], 0, moves);

        AssertPairs([(client, server)], moves);
        Assert.Equal(1, join.Count);
    }

    [Fact]
    public void PipelinedHttp1RequestsPairInRequestOrder()
    {
        // Two requests written back to back; the server answers them one after the other, the client reads both.
        var join = Join();
        var first = Client(Conn, 100, 160);
        var second = Client(Conn, 101, 200);
        var firstServed = Server(Conn, 105, 150);
        var secondServed = Server(Conn, 150, 195);
        var moves = new List<TraceMove>();
        join.Add([second, first], 0, moves);
        join.Add([secondServed, firstServed], 1, moves);

        AssertPairs([(first, firstServed), (second, secondServed)], moves);
    }

    [Fact]
    public void ConcurrentHttp2StreamsPairByStream()
    {
        // Three streams at once on one connection, all with the same times: only the stream tells them apart.
        var join = Join();
        var clients = new[] { Client(Conn, 100, 200, stream: 1), Client(Conn, 100, 200, stream: 3), Client(Conn, 100, 200, stream: 5) };
        var servers = new[] { Server(Conn, 110, 190, stream: 5), Server(Conn, 110, 190, stream: 1), Server(Conn, 110, 190, stream: 3) };
        var moves = new List<TraceMove>();
        join.Add(clients, 0, moves);
        join.Add(servers, 1, moves);

        AssertPairs([(clients[0], servers[1]), (clients[1], servers[2]), (clients[2], servers[0])], moves);
    }

    [Fact]
    public void ClockSkewWithinTheAllowancePairsAndBeyondItDoesNot()
    {
        var join = Join(skewMs: 20);
        var client = Client(Conn, 100, 200);
        var moves = new List<TraceMove>();
        join.Add([client, Server(Conn, 85, 185)], 0, moves); // the server's clock 15 ms behind
        Assert.Single(moves);

        moves.Clear();
        var late = Client(Other, 100, 200);
        join.Add([late, Server(Other, 130, 230)], 0, moves); // 30 ms ahead: beyond 20
        Assert.Empty(moves);
        Assert.Equal(2, join.Count);
    }

    [Fact]
    public void AReusedPortDoesNotPairWithTheOldConnectionsHalf()
    {
        var join = Join(ttl: 100_000);
        var old = Client(Conn, 1_000, 1_050);
        var moves = new List<TraceMove>();
        join.Add([old], 0, moves);

        // A minute later a new connection gets the same client port: same key, other times.
        var client = Client(Conn, 61_000, 61_040);
        var server = Server(Conn, 61_005, 61_035);
        join.Add([server], 1, moves);
        Assert.Empty(moves);
        join.Add([client], 2, moves);

        AssertPairs([(client, server)], moves);
        Assert.Equal(1, join.Count);
    }

    [Fact]
    public void UnmatchedHalvesExpireAfterTheTtlCountedBySide()
    {
        var join = Join(ttl: 100);
        var moves = new List<TraceMove>();
        join.Add([Client(Conn, 100, 200), Client(Other, 100, 200)], now: 0, moves);
        join.Add([Server(Other, 5_000, 5_100)], now: 50, moves);
        join.TakeCounts();

        join.Expire(99);
        Assert.Equal(3, join.Count);
        join.Expire(100);
        Assert.Equal(1, join.Count);
        join.Expire(150);
        Assert.Equal(0, join.Count);

        var counts = join.TakeCounts();
        Assert.Equal((2, 1), (counts.ExpiredClients, counts.ExpiredServers));
        Assert.Empty(moves);
    }

    [Fact]
    public void BeyondItsBoundTheOldestHalfIsDroppedAndCounted()
    {
        var join = Join(max: 2);
        var moves = new List<TraceMove>();
        var dropped = Server(Conn, 110, 190);
        join.Add([dropped, Client(Other, 0, 10), Client(Other, 20, 30)], 0, moves);
        join.Add([Client(Conn, 100, 200)], 1, moves);

        Assert.Empty(moves);
        Assert.Equal(2, join.Count);
        var counts = join.TakeCounts();
        Assert.Equal((2, 1), (counts.DroppedClients + counts.DroppedServers, counts.DroppedServers));
    }

    [Fact]
    public void ARetriedHalfIsHeldOnce()
    {
        var join = Join();
        var client = Client(Conn, 100, 200);
        var moves = new List<TraceMove>();
        join.Add([client], 0, moves);
        join.Add([client], 1, moves);
        Assert.Equal(1, join.Count);

        join.Add([Server(Conn, 110, 190), Server(Conn, 120, 180)], 2, moves);
        Assert.Single(moves);
    }

    [Fact]
    public void AServerHalfLinkedAlreadyTakesItsClientHalfOutOfWaitingAndMovesNothing()
    {
        var join = Join();
        var client = Client(Conn, 100, 200);
        var elsewhere = Client(Conn, 100, 200, stream: -1) with { Trace = new TraceKey(99, 99), SpanId = 99 };
        var linked = new JoinHalf(Conn, true, 110 * Ms, 190 * Ms, client.Trace, 12345, -1, HasParent: true);
        var moves = new List<TraceMove>();
        join.Add([elsewhere, client, linked], 0, moves);

        Assert.Empty(moves);
        Assert.Equal(1, join.Count); // the other trace's client half still waits
        var counts = join.TakeCounts();
        Assert.Equal((0, 1), (counts.Joined, counts.AlreadyLinked));
    }
}
