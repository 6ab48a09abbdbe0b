using System.Net;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Protocols;

namespace OtlpGrains.Agent.Tracking;

/// <summary>
/// Follows each TCP connection of the watched processes, keyed by (pid, fd): learns the role from connect/accept,
/// sniffs the protocol from the first bytes each way, then feeds every captured chunk to that protocol's parser,
/// which reports completed request/response pairs. Bounded: at most <see cref="MaxConnections"/> connections (the
/// longest idle is evicted and counted), and a connection whose protocol is not recognised after a few chunks is
/// ignored from then on.
/// </summary>
public sealed class ConnectionTracker(Action<ConnectionInfo, ProtocolExchange> onExchange, int maxConnections = 65_536)
{
    /// <summary>Chunks looked at before a connection is declared "not a protocol we know".</summary>
    public const int SniffChunks = 4;

    private readonly Dictionary<(int Pid, int Fd), Connection> _connections = [];

    public int MaxConnections => maxConnections;

    public int Count => _connections.Count;

    public long Evicted { get; private set; }

    public long Unrecognised { get; private set; }

    public long Exchanges { get; private set; }

    public void OnEvent(SocketEvent e)
    {
        // The endpoints are only kept when an event opens a connection entry; building them for every read and write
        // was four allocations per event (AgentBench events --consumer pipeline: 343 -> 200 allocated bytes per event).
        bool opens = e.Kind is SocketEventKind.Connect or SocketEventKind.Accept
            || (e.Kind != SocketEventKind.Close && !_connections.ContainsKey((e.Pid, e.Fd)));
        OnEvent(e.Kind, e.Direction, e.Pid, e.Fd, e.TimestampNs, e.Payload.Span, e.OriginalLength,
            opens ? e.RemoteEndPoint : null, opens ? e.LocalEndPoint : null);
    }

    public void OnEvent(SocketEventKind kind, SocketDirection direction, int pid, int fd, long timestampNs, ReadOnlySpan<byte> payload, int originalLength, IPEndPoint? remote, IPEndPoint? local = null)
    {
        var key = (pid, fd);
        switch (kind)
        {
            case SocketEventKind.Connect:
            case SocketEventKind.Accept:
                // A new connection on this fd: whatever was tracked under it before is over.
                _connections[key] = NewConnection(pid, remote, local, kind == SocketEventKind.Connect ? ConnectionRole.Client : ConnectionRole.Server, timestampNs);
                return;
            case SocketEventKind.Close:
                _connections.Remove(key);
                return;
        }

        if (!_connections.TryGetValue(key, out var connection))
        {
            // The connection predates the agent: its role is unknown until the sniffer guesses it.
            connection = NewConnection(pid, remote, local, ConnectionRole.Unknown, timestampNs);
            _connections[key] = connection;
        }

        connection.LastSeenNs = timestampNs;
        var dir = direction == SocketDirection.Egress ? Direction.Egress : Direction.Ingress;
        if (connection.Parser is { } parser)
        {
            parser.OnData(dir, timestampNs, payload, originalLength);
            return;
        }

        if (connection.Ignored)
        {
            return;
        }

        var bytes = payload.ToArray();
        connection.Pending.Add((dir, timestampNs, bytes, originalLength));
        if (dir == Direction.Egress)
        {
            connection.FirstEgress ??= bytes;
        }
        else
        {
            connection.FirstIngress ??= bytes;
        }

        var sniff = ProtocolSniffer.Detect(connection.FirstEgress ?? [], connection.FirstIngress ?? [], connection.Info.Role);
        if (sniff.Found)
        {
            connection.Parser = CreateParser(connection, sniff);
            foreach (var (pendingDirection, time, chunk, length) in connection.Pending)
            {
                connection.Parser.OnData(pendingDirection, time, chunk, length);
            }

            connection.Pending.Clear();
        }
        else if (connection.Pending.Count >= SniffChunks)
        {
            connection.Ignored = true;
            connection.Pending.Clear();
            Unrecognised++;
        }
    }

    private Connection NewConnection(int pid, IPEndPoint? remote, IPEndPoint? local, ConnectionRole role, long timestampNs)
    {
        if (_connections.Count >= maxConnections)
        {
            var idlest = _connections.MinBy(c => c.Value.LastSeenNs).Key;
            _connections.Remove(idlest);
            Evicted++;
        }

        return new Connection(new ConnectionInfo(pid, remote, role, null) { Local = local }) { LastSeenNs = timestampNs };
    }

    private IProtocolParser CreateParser(Connection connection, SniffResult sniff)
    {
        var info = connection.Info with { Role = sniff.Role, Protocol = sniff.Kind };
        connection.Info = info;
        return ProtocolParsers.Create(sniff, exchange =>
        {
            Exchanges++;
            onExchange(info, exchange);
        });
    }

    private sealed class Connection(ConnectionInfo info)
    {
        public ConnectionInfo Info { get; set; } = info;

        public long LastSeenNs { get; set; }

        public IProtocolParser? Parser { get; set; }

        public bool Ignored { get; set; }

        public byte[]? FirstEgress { get; set; }

        public byte[]? FirstIngress { get; set; }

        public List<(Direction Direction, long TimestampNs, byte[] Bytes, int OriginalLength)> Pending { get; } = [];
    }
}
