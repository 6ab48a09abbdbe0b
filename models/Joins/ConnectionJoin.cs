using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Joins;

/// <summary>
/// The unmatched halves of requests of one join shard, by connection: a client half (seen by the caller's node agent)
/// and a server half (seen by the callee's) pair when they name the same connection, the same HTTP/2 stream (or both
/// none), and the client span contains the server span within the clock-skew allowance. Bounded: beyond
/// <c>maxHalves</c> the oldest half is dropped (counted); a half not paired within the TTL expires (counted).
/// </summary>
/// <remarks>
/// Of the client halves that contain a server half, the pair is the one the server half overshoots least (the time
/// outside the client span, which is zero on synchronised clocks), ties going to the earliest start. On a keep-alive
/// connection, requests follow one another, so only the right client span contains the server span without
/// overshoot, even when a neighbour's other half was lost; pipelined HTTP/1 requests overlap on the client, and the
/// earliest-start tie-break pairs them in request order, as the server answers them. A batch's server halves are
/// paired in start order, so a request never takes a client half meant for an earlier one of the same batch. A port
/// reused by a later connection makes the same key, but its halves are seconds or minutes apart: no containment.
/// A server half with a parent (linked on its node already) pairs only with a client half of its own trace and moves
/// nothing: it is there so that its client half does not wait and expire as unmatched.
/// </remarks>
public sealed class ConnectionJoin
{
    private readonly long _skewNanos;
    private readonly long _ttl;
    private readonly int _maxHalves;
    private readonly Dictionary<ConnectionKey, List<LinkedListNode<HeldHalf>>> _byKey = [];
    private readonly LinkedList<HeldHalf> _byArrival = new();
    private readonly HashSet<ConnectionKey> _touched = [];
    private readonly List<LinkedListNode<HeldHalf>> _servers = [];

    /// <param name="skewNanos">How far a server span may stick out of its client span (the nodes' clock skew).</param>
    /// <param name="ttl">How long a half waits for its other half, in the unit of the times passed as <c>now</c>.</param>
    /// <param name="maxHalves">The most halves held.</param>
    public ConnectionJoin(long skewNanos, long ttl, int maxHalves)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skewNanos);
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHalves, 1);
        _skewNanos = skewNanos;
        _ttl = ttl;
        _maxHalves = maxHalves;
    }

    /// <summary>Halves held, waiting for their other half.</summary>
    public int Count => _byArrival.Count;

    /// <summary>What was received, paired, dropped and expired since the last <see cref="TakeCounts"/>.</summary>
    public JoinCounts Counts { get; private set; }

    /// <summary>
    /// Takes halves in (a half already held, from a retried request, is ignored) and appends the requests they
    /// complete to <paramref name="pairs"/> as moves of the server's trace.
    /// </summary>
    public void Add(IReadOnlyList<JoinHalf> halves, long now, List<TraceMove> pairs)
    {
        ArgumentNullException.ThrowIfNull(halves);
        ArgumentNullException.ThrowIfNull(pairs);
        var counts = Counts;
        foreach (var half in halves)
        {
            if (half.IsServer)
            {
                counts.ServerHalves++;
            }
            else
            {
                counts.ClientHalves++;
            }

            if (!_byKey.TryGetValue(half.Key, out var held))
            {
                held = [];
                _byKey.Add(half.Key, held);
            }
            else if (Holds(held, half))
            {
                continue;
            }

            if (_byArrival.Count >= _maxHalves && _byArrival.First is { } oldest)
            {
                Remove(oldest);
                if (oldest.Value.Half.IsServer)
                {
                    counts.DroppedServers++;
                }
                else
                {
                    counts.DroppedClients++;
                }

                // The eviction may have emptied (and so removed) this half's own connection.
                if (!_byKey.TryGetValue(half.Key, out held))
                {
                    held = [];
                    _byKey.Add(half.Key, held);
                }
            }

            var node = _byArrival.AddLast(new HeldHalf(half, now));
            held.Add(node);
            _touched.Add(half.Key);
        }

        foreach (var key in _touched)
        {
            var (joined, alreadyLinked) = Pair(key, pairs);
            counts.Joined += joined;
            counts.AlreadyLinked += alreadyLinked;
        }

        _touched.Clear();
        Counts = counts;
    }

    /// <summary>Drops the halves that waited longer than the TTL at <paramref name="now"/>, counted by side.</summary>
    public void Expire(long now)
    {
        var counts = Counts;
        while (_byArrival.First is { } oldest && now - oldest.Value.Arrived >= _ttl)
        {
            Remove(oldest);
            if (oldest.Value.Half.IsServer)
            {
                counts.ExpiredServers++;
            }
            else
            {
                counts.ExpiredClients++;
            }
        }

        Counts = counts;
    }

    /// <summary>The counts since the last call, then zero.</summary>
    public JoinCounts TakeCounts()
    {
        var counts = Counts;
        Counts = default;
        return counts;
    }

    private (int Joined, int AlreadyLinked) Pair(ConnectionKey key, List<TraceMove> pairs)
    {
        if (!_byKey.TryGetValue(key, out var held))
        {
            return (0, 0);
        }

        _servers.Clear();
        foreach (var node in held)
        {
            if (node.Value.Half.IsServer)
            {
                _servers.Add(node);
            }
        }

        _servers.Sort(static (a, b) => a.Value.Half.StartUnixNano.CompareTo(b.Value.Half.StartUnixNano));
        int joined = 0, alreadyLinked = 0;
        foreach (var serverNode in _servers)
        {
            var server = serverNode.Value.Half;
            LinkedListNode<HeldHalf>? best = null;
            long bestOvershoot = long.MaxValue;
            foreach (var node in held)
            {
                var client = node.Value.Half;
                // A server span with a parent takes only a client span of its own trace (nothing to move); a root one
                // only a client span of another trace.
                if (client.IsServer || client.StreamId != server.StreamId || (client.Trace == server.Trace) != server.HasParent)
                {
                    continue;
                }

                long overshoot = Math.Max(0, client.StartUnixNano - server.StartUnixNano) + Math.Max(0, server.EndUnixNano - client.EndUnixNano);
                bool contains = server.StartUnixNano >= client.StartUnixNano - _skewNanos && server.EndUnixNano <= client.EndUnixNano + _skewNanos;
                if (contains && (overshoot < bestOvershoot
                    || (overshoot == bestOvershoot && client.StartUnixNano < best!.Value.Half.StartUnixNano)))
                {
                    best = node;
                    bestOvershoot = overshoot;
                }
            }

            if (best is null)
            {
                continue;
            }

            var pair = best.Value.Half;
            if (server.HasParent)
            {
                alreadyLinked++;
            }
            else
            {
                pairs.Add(new TraceMove(server.Trace, server.SpanId, pair.Trace, pair.SpanId));
                joined++;
            }

            held.Remove(best);
            held.Remove(serverNode);
            _byArrival.Remove(best);
            _byArrival.Remove(serverNode);
        }

        if (held.Count == 0)
        {
            _byKey.Remove(key);
        }

        return (joined, alreadyLinked);
    }

    private static bool Holds(List<LinkedListNode<HeldHalf>> held, JoinHalf half)
    {
        foreach (var node in held)
        {
            if (node.Value.Half.SpanId == half.SpanId && node.Value.Half.Trace == half.Trace)
            {
                return true;
            }
        }

        return false;
    }

    private void Remove(LinkedListNode<HeldHalf> node)
    {
        _byArrival.Remove(node);
        var key = node.Value.Half.Key;
        if (_byKey.TryGetValue(key, out var held))
        {
            held.Remove(node);
            if (held.Count == 0)
            {
                _byKey.Remove(key);
            }
        }
    }

    private readonly record struct HeldHalf(JoinHalf Half, long Arrived);
}

/// <summary>
/// What a join shard received, paired (moved, or found linked already), dropped at its bound and expired, by side.
/// </summary>
public record struct JoinCounts(
    long ClientHalves,
    long ServerHalves,
    long Joined,
    long AlreadyLinked,
    long DroppedClients,
    long DroppedServers,
    long ExpiredClients,
    long ExpiredServers);
