using System.Net;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Protocols;

namespace OtlpGrains.Agent.Tracking;

/// <summary>
/// Follows each TCP connection of the watched processes, keyed by (pid, fd): learns the role from connect/accept,
/// sniffs the protocol from the first bytes each way, then feeds every captured chunk to that protocol's parser,
/// which reports completed request/response pairs. Bounded: at most <see cref="MaxConnections"/> connections (the
/// longest idle is evicted and counted), and a connection whose protocol is not recognised after a few chunks is
/// ignored from then on. TLS: a connection whose bytes are TLS records waits for plaintext from the OpenSSL probes
/// (<see cref="SocketEvent.IsTlsPlaintext"/>) without counting as unrecognised; the first plaintext restarts sniffing
/// on it, and its ciphertext is ignored from then on.
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

    /// <summary>Connections given up on (unknown protocol, or the parser gave up): muted, see <see cref="Mute"/>.</summary>
    public long Muted { get; private set; }

    /// <summary>Closes that carried the kernel's totals.</summary>
    public long ClosedWithTotals { get; private set; }

    /// <summary>Bytes sent over the connections of <see cref="ClosedWithTotals"/>, as the kernel counted them.</summary>
    public long ClosedBytesSent { get; private set; }

    /// <summary>Bytes received over the connections of <see cref="ClosedWithTotals"/>.</summary>
    public long ClosedBytesReceived { get; private set; }

    /// <summary>
    /// Called with (pid, fd) when the tracker stops looking at a connection's bytes; the pipeline tells the kernel to
    /// send no more data events for it (it still counts them).
    /// </summary>
    public Action<int, int>? Mute { get; set; }

    /// <summary>Called at a close that carried the kernel's totals, with what the tracker knew of the connection.</summary>
    public Action<ConnectionInfo, ConnectionTotals>? ConnectionClosed { get; set; }

    /// <summary>Connections whose bytes were TLS records (their plaintext, when probed, is parsed instead).</summary>
    public long Encrypted { get; private set; }

    /// <summary>TLS plaintext events whose socket was unknown (fd -1: a memory BIO such as .NET's SslStream).</summary>
    public long TlsWithoutSocket { get; private set; }

    public void OnEvent(SocketEvent e)
    {
        // The endpoints are only kept when an event opens (or closes an unknown) connection entry; building them for
        // every read and write was four allocations per event (AgentBench events --consumer pipeline: 343 -> 200
        // allocated bytes per event).
        bool opens = e.Kind is SocketEventKind.Connect or SocketEventKind.Accept || !_connections.ContainsKey((e.Pid, e.Fd));
        OnEvent(e.Kind, e.Direction, e.Pid, e.Fd, e.TimestampNs, e.Payload.Span, e.OriginalLength,
            opens ? e.RemoteEndPoint : null, opens ? e.LocalEndPoint : null, e.Totals, e.IsTlsPlaintext, e.Tail.Span);
    }

    /// <param name="totals">The kernel's totals, on a close.</param>
    /// <param name="tlsPlaintext">The payload is plaintext from a TLS library probe (<see cref="SocketEvent.IsTlsPlaintext"/>).</param>
    /// <param name="tail">The syscall's last bytes when <paramref name="payload"/> did not reach them (see <see cref="SocketEvent.Tail"/>).</param>
    public void OnEvent(SocketEventKind kind, SocketDirection direction, int pid, int fd, long timestampNs, ReadOnlySpan<byte> payload, int originalLength, IPEndPoint? remote, IPEndPoint? local = null, ConnectionTotals? totals = null, bool tlsPlaintext = false, ReadOnlySpan<byte> tail = default)
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
                _connections.Remove(key, out var closed);
                if (totals is { } counted)
                {
                    ClosedWithTotals++;
                    ClosedBytesSent += counted.BytesSent;
                    ClosedBytesReceived += counted.BytesReceived;
                    ConnectionClosed?.Invoke(closed?.Info ?? new ConnectionInfo(pid, remote, ConnectionRole.Unknown, null) { Local = local }, counted);
                }

                return;
        }

        if (fd < 0)
        {
            TlsWithoutSocket += tlsPlaintext ? 1 : 0;
            return;
        }

        if (!_connections.TryGetValue(key, out var connection))
        {
            // The connection predates the agent: its role is unknown until the sniffer guesses it.
            connection = NewConnection(pid, remote, local, ConnectionRole.Unknown, timestampNs);
            _connections[key] = connection;
        }

        connection.LastSeenNs = timestampNs;
        if (tlsPlaintext != connection.Info.IsTls)
        {
            if (!tlsPlaintext)
            {
                return; // ciphertext of a connection whose plaintext the probes deliver
            }

            StartTls(connection);
        }

        var dir = direction == SocketDirection.Egress ? Direction.Egress : Direction.Ingress;
        if (connection.Parser is { } parser)
        {
            parser.OnData(dir, timestampNs, payload, originalLength, tail);
            if (parser.GaveUp && !connection.Ignored)
            {
                GiveUp(connection, pid, fd);
            }

            return;
        }

        if (connection.Ignored)
        {
            return;
        }

        if (!tlsPlaintext && connection.Pending.Count == 0 && IsTlsHandshake(payload))
        {
            // A TLS handshake (or STARTTLS after a plaintext prelude): not a protocol to sniff; plaintext may follow.
            connection.Ignored = true;
            Encrypted++;
            return;
        }

        var bytes = payload.ToArray();
        connection.Pending.Add((dir, timestampNs, bytes, originalLength, tail.IsEmpty ? null : tail.ToArray()));
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
            foreach (var (pendingDirection, time, chunk, length, chunkTail) in connection.Pending)
            {
                connection.Parser.OnData(pendingDirection, time, chunk, length, chunkTail);
            }

            connection.Pending.Clear();
        }
        else if (connection.Pending.Count >= SniffChunks)
        {
            connection.Pending.Clear();
            Unrecognised++;
            GiveUp(connection, pid, fd);
        }
    }

    private void GiveUp(Connection connection, int pid, int fd)
    {
        connection.Ignored = true;
        Muted++;
        Mute?.Invoke(pid, fd);
    }

    // A TLS handshake record header (type 22, version 3.x: SSL 3.0 to TLS 1.3 on the wire). A connection seen only
    // after its handshake starts with application data records and is counted as unrecognised until plaintext comes.
    private static bool IsTlsHandshake(ReadOnlySpan<byte> payload) =>
        payload.Length >= 5 && payload[0] == 22 && payload[1] == 3 && payload[2] <= 4;

    // The first plaintext of a connection: what was sniffed or parsed so far was the handshake (or a STARTTLS prelude).
    private static void StartTls(Connection connection)
    {
        connection.Info = connection.Info with { IsTls = true, Protocol = null };
        connection.Parser = null;
        connection.Ignored = false;
        connection.FirstEgress = null;
        connection.FirstIngress = null;
        connection.Pending.Clear();
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

        public List<(Direction Direction, long TimestampNs, byte[] Bytes, int OriginalLength, byte[]? Tail)> Pending { get; } = [];
    }
}
