using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using OtlpGrains.Agent.Bpf;

namespace OtlpGrains.Agent.Capture;

/// <summary>
/// One captured socket event of a TCP connection: a read or write with its first bytes, or a connect, accept or
/// close. The payload lives in a buffer rented from <see cref="ArrayPool{T}.Shared"/>; <see cref="Dispose"/> returns
/// it, after which <see cref="Payload"/> must not be used. Not disposing is safe, it only forgoes the reuse.
/// </summary>
public sealed class SocketEvent : IDisposable
{
    private AddressBytes _localAddress;
    private AddressBytes _remoteAddress;
    private CommBytes _comm;
    private byte[]? _buffer;

    internal SocketEvent(in EventHeader header, ReadOnlySpan<byte> payload) => Fill(header, payload);

    /// <summary>
    /// Makes this object the event of <paramref name="header"/> and <paramref name="payload"/>, keeping its buffer when
    /// it is large enough: <see cref="SocketCapture.TryPoll(TimeSpan, Action{SocketEvent})"/> hands one object over for
    /// every event, valid only during the call.
    /// </summary>
    internal void Fill(in EventHeader header, ReadOnlySpan<byte> payload)
    {
        Totals = null;
        Kind = (SocketEventKind)header.Kind;
        Direction = (SocketDirection)header.Direction;
        TimestampNs = (long)header.TimestampNs;
        Pid = (int)header.Pid;
        Tid = (int)header.Tid;
        Fd = header.Fd;
        OriginalLength = (int)Math.Min(header.OriginalLength, int.MaxValue);
        AddressFamily = header.Family == 10 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        LocalPort = header.SourcePort;
        RemotePort = header.DestinationPort;
        _localAddress = header.SourceAddress;
        _remoteAddress = header.DestinationAddress;
        _comm = header.Comm;
        IsTlsPlaintext = (header.Flags & EventFlags.Tls) != 0;
        if (Kind == SocketEventKind.Close && payload.Length >= ConnStats.Size)
        {
            // A close event's payload is the connection's totals, not socket bytes.
            Totals = ConnectionTotals.From(MemoryMarshal.Read<ConnStats>(payload));
            payload = default;
        }

        if (!payload.IsEmpty)
        {
            if (_buffer is null || _buffer.Length < payload.Length)
            {
                Dispose();
                _buffer = ArrayPool<byte>.Shared.Rent(payload.Length);
            }

            payload.CopyTo(_buffer);
        }

        TailLength = (header.Flags & EventFlags.Tail) != 0 ? (int)Math.Min(header.Flags >> EventFlags.TailShift, (uint)payload.Length) : 0;
        PayloadLength = payload.Length - TailLength;
    }

    public SocketEventKind Kind { get; private set; }

    public SocketDirection Direction { get; private set; }

    /// <summary>CLOCK_MONOTONIC in ns (bpf_ktime_get_ns), the clock of <see cref="System.Diagnostics.Stopwatch"/> on Linux.</summary>
    public long TimestampNs { get; private set; }

    /// <summary>Process id (tgid).</summary>
    public int Pid { get; private set; }

    /// <summary>Thread id.</summary>
    public int Tid { get; private set; }

    public int Fd { get; private set; }

    /// <summary>How many bytes the syscall really moved; larger than <see cref="Payload"/> when it was truncated.</summary>
    public int OriginalLength { get; private set; }

    public int PayloadLength { get; private set; }

    /// <summary>The first bytes of the read or write (at most the configured capture size); empty for other kinds.</summary>
    public ReadOnlyMemory<byte> Payload =>
        _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, PayloadLength);

    /// <summary>
    /// The syscall's last bytes when <see cref="Payload"/> did not reach them (at most 256, right after the payload or
    /// further on); empty otherwise. Lets a parser that can skip a body of known length read what follows it (trailers).
    /// </summary>
    public ReadOnlyMemory<byte> Tail =>
        _buffer is null || TailLength == 0 ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(PayloadLength, TailLength);

    public int TailLength { get; private set; }

    public bool IsTruncated => PayloadLength < OriginalLength;

    /// <summary>
    /// On a close event, what the kernel counted for the connection since its connect/accept (or since the agent first
    /// saw it); null for other kinds and for connections the kernel had no entry for.
    /// </summary>
    public ConnectionTotals? Totals { get; private set; }

    /// <summary>True when the payload is plaintext seen by a TLS library probe rather than the bytes on the socket.</summary>
    public bool IsTlsPlaintext { get; private set; }

    /// <summary>
    /// The thread's comm at the event (at most 15 characters): names a process that exited before /proc could be
    /// read. Allocates; call only when needed.
    /// </summary>
    public string Command
    {
        get
        {
            ReadOnlySpan<byte> bytes = _comm;
            int end = bytes.IndexOf((byte)0);
            return System.Text.Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
        }
    }

    public AddressFamily AddressFamily { get; private set; }

    public int LocalPort { get; private set; }

    public int RemotePort { get; private set; }

    /// <summary>The local address; IPv4-mapped IPv6 stays mapped (<see cref="IPAddress.IsIPv4MappedToIPv6"/>).</summary>
    public IPAddress LocalAddress => ToAddress(_localAddress);

    public IPAddress RemoteAddress => ToAddress(_remoteAddress);

    public IPEndPoint LocalEndPoint => new(LocalAddress, LocalPort);

    public IPEndPoint RemoteEndPoint => new(RemoteAddress, RemotePort);

    public void Dispose()
    {
        byte[]? buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override string ToString() =>
        $"{Kind} {Direction} pid={Pid} tid={Tid} fd={Fd} {LocalEndPoint}->{RemoteEndPoint} len={OriginalLength} cap={PayloadLength} t={TimestampNs}";

    private IPAddress ToAddress(in AddressBytes bytes)
    {
        ReadOnlySpan<byte> span = bytes;
        return AddressFamily == AddressFamily.InterNetworkV6 ? new IPAddress(span) : new IPAddress(span[..4]);
    }
}
