using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace OtlpGrains.Agent.Conntrack;

/// <summary>
/// The two ctnetlink messages the agent needs, written and read by hand (no libnetfilter_conntrack): a GET of one
/// TCP tuple (nlmsghdr, nfgenmsg, CTA_TUPLE_ORIG with CTA_TUPLE_IP and CTA_TUPLE_PROTO nested), and the answer, a
/// conntrack entry (CTA_TUPLE_ORIG and CTA_TUPLE_REPLY) or an NLMSG_ERROR.
/// </summary>
public static class ConntrackMessages
{
    // include/uapi/linux/netfilter/nfnetlink.h and nfnetlink_conntrack.h.
    private const ushort SubsystemConntrack = 1;
    private const ushort MessageNew = 0;
    private const ushort MessageGet = 1;
    private const ushort NlmsgError = 2;
    private const ushort NlmsgDone = 3;
    private const ushort FlagRequest = 1;
    private const ushort FlagNested = 0x8000;
    private const ushort TupleOrig = 1;
    private const ushort TupleReply = 2;
    private const ushort TupleIp = 1;
    private const ushort TupleProto = 2;
    private const ushort IpV4Src = 1;
    private const ushort IpV4Dst = 2;
    private const ushort IpV6Src = 3;
    private const ushort IpV6Dst = 4;
    private const ushort ProtoNum = 1;
    private const ushort ProtoSrcPort = 2;
    private const ushort ProtoDstPort = 3;
    private const int HeaderBytes = 16;
    private const int NfgenBytes = 4;

    /// <summary>The most bytes <see cref="WriteGet"/> writes (IPv6).</summary>
    public const int MaxRequestBytes = 128;

    /// <summary>
    /// Writes a GET of the TCP connection (<paramref name="source"/> to <paramref name="destination"/>) as the
    /// original tuple; the kernel finds the entry by either of its tuples. Returns the bytes written.
    /// </summary>
    public static int WriteGet(Span<byte> buffer, uint sequence, IPEndPoint source, IPEndPoint destination)
    {
        bool v6 = source.AddressFamily == AddressFamily.InterNetworkV6;
        if (v6 != (destination.AddressFamily == AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException("source and destination are of different address families");
        }

        int at = HeaderBytes;
        buffer[at++] = (byte)(v6 ? 10 : 2); // nfgenmsg.nfgen_family: AF_INET6 or AF_INET
        buffer[at++] = 0;                    // NFNETLINK_V0
        BinaryPrimitives.WriteUInt16BigEndian(buffer[at..], 0); // res_id
        at += 2;

        int tuple = Open(buffer, ref at, TupleOrig);
        int ip = Open(buffer, ref at, TupleIp);
        Address(buffer, ref at, v6 ? IpV6Src : IpV4Src, source.Address);
        Address(buffer, ref at, v6 ? IpV6Dst : IpV4Dst, destination.Address);
        Close(buffer, ip, at);
        int proto = Open(buffer, ref at, TupleProto);
        Attribute(buffer, ref at, ProtoNum, [6]); // IPPROTO_TCP
        Span<byte> port = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(port, (ushort)source.Port);
        Attribute(buffer, ref at, ProtoSrcPort, port);
        BinaryPrimitives.WriteUInt16BigEndian(port, (ushort)destination.Port);
        Attribute(buffer, ref at, ProtoDstPort, port);
        Close(buffer, proto, at);
        Close(buffer, tuple, at);

        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)at);                                  // nlmsg_len
        BinaryPrimitives.WriteUInt16LittleEndian(buffer[4..], (SubsystemConntrack << 8) | MessageGet); // nlmsg_type
        BinaryPrimitives.WriteUInt16LittleEndian(buffer[6..], FlagRequest);                          // nlmsg_flags
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[8..], sequence);                             // nlmsg_seq
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[12..], 0);                                   // nlmsg_pid: the kernel
        return at;
    }

    /// <summary>What one received datagram said about a request.</summary>
    public enum ReplyKind
    {
        /// <summary>No message of that sequence (a late answer to an earlier, timed-out request).</summary>
        Other,

        /// <summary>The entry (in <c>entry</c>).</summary>
        Entry,

        /// <summary>The kernel answered with an error (<c>error</c>: a negative errno; -2 ENOENT = no such entry).</summary>
        Error,
    }

    /// <summary>Reads a datagram from the kernel; a reply to another sequence is <see cref="ReplyKind.Other"/>.</summary>
    /// <exception cref="FormatException">The bytes are not netlink messages.</exception>
    public static ReplyKind ReadReply(ReadOnlySpan<byte> datagram, uint sequence, out ConntrackEntry? entry, out int error)
    {
        entry = null;
        error = 0;
        while (datagram.Length >= HeaderBytes)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram);
            if (length < HeaderBytes || length > datagram.Length)
            {
                throw new FormatException($"netlink message length {length} outside the {datagram.Length} bytes received");
            }

            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]);
            uint seq = BinaryPrimitives.ReadUInt32LittleEndian(datagram[8..]);
            var body = datagram[HeaderBytes..length];
            if (seq == sequence)
            {
                if (type == NlmsgError && body.Length >= 4)
                {
                    error = BinaryPrimitives.ReadInt32LittleEndian(body);
                    if (error != 0)
                    {
                        return ReplyKind.Error;
                    }
                }
                else if (type == ((SubsystemConntrack << 8) | MessageNew) && body.Length >= NfgenBytes)
                {
                    entry = ReadEntry(body[NfgenBytes..]);
                    return entry is null ? throw new FormatException("conntrack entry without both tuples") : ReplyKind.Entry;
                }
                else if (type == NlmsgDone)
                {
                    return ReplyKind.Other;
                }
            }

            datagram = datagram[Math.Min(datagram.Length, Align(length))..];
        }

        return ReplyKind.Other;
    }

    private static ConntrackEntry? ReadEntry(ReadOnlySpan<byte> attributes)
    {
        (IPEndPoint Source, IPEndPoint Destination)? original = null, reply = null;
        foreach (var attribute in new Attributes(attributes))
        {
            switch (attribute.Type)
            {
                case TupleOrig:
                    original = ReadTuple(attribute.Value);
                    break;
                case TupleReply:
                    reply = ReadTuple(attribute.Value);
                    break;
            }
        }

        return original is { } o && reply is { } r ? new ConntrackEntry(o.Source, o.Destination, r.Source, r.Destination) : null;
    }

    private static (IPEndPoint Source, IPEndPoint Destination)? ReadTuple(ReadOnlySpan<byte> tuple)
    {
        IPAddress? source = null, destination = null;
        int sourcePort = -1, destinationPort = -1;
        foreach (var part in new Attributes(tuple))
        {
            if (part.Type == TupleIp)
            {
                foreach (var ip in new Attributes(part.Value))
                {
                    var address = ip.Value;
                    if (ip.Type is IpV4Src or IpV6Src && address.Length is 4 or 16)
                    {
                        source = new IPAddress(address);
                    }
                    else if (ip.Type is IpV4Dst or IpV6Dst && address.Length is 4 or 16)
                    {
                        destination = new IPAddress(address);
                    }
                }
            }
            else if (part.Type == TupleProto)
            {
                foreach (var proto in new Attributes(part.Value))
                {
                    var port = proto.Value;
                    if (proto.Type == ProtoSrcPort && port.Length == 2)
                    {
                        sourcePort = BinaryPrimitives.ReadUInt16BigEndian(port);
                    }
                    else if (proto.Type == ProtoDstPort && port.Length == 2)
                    {
                        destinationPort = BinaryPrimitives.ReadUInt16BigEndian(port);
                    }
                }
            }
        }

        return source is null || destination is null || sourcePort < 0 || destinationPort < 0
            ? null
            : (new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
    }

    private static int Align(int length) => (length + 3) & ~3;

    private static int Open(Span<byte> buffer, ref int at, ushort type)
    {
        int start = at;
        BinaryPrimitives.WriteUInt16LittleEndian(buffer[(at + 2)..], (ushort)(type | FlagNested));
        at += 4;
        return start;
    }

    private static void Close(Span<byte> buffer, int start, int at) =>
        BinaryPrimitives.WriteUInt16LittleEndian(buffer[start..], (ushort)(at - start));

    private static void Attribute(Span<byte> buffer, ref int at, ushort type, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(buffer[at..], (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(buffer[(at + 2)..], type);
        value.CopyTo(buffer[(at + 4)..]);
        int end = at + 4 + value.Length;
        buffer[end..Align(end)].Clear();
        at = Align(end);
    }

    private static void Address(Span<byte> buffer, ref int at, ushort type, IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        Attribute(buffer, ref at, type, bytes[..written]);
    }

    // The attributes (type without the nested/byte-order flags, value) in a run of netlink attributes.
    private ref struct Attributes(ReadOnlySpan<byte> bytes)
    {
        private ReadOnlySpan<byte> _rest = bytes;

        public NetlinkAttribute Current { get; private set; }

        public readonly Attributes GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_rest.Length < 4)
            {
                return false;
            }

            int length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
            if (length < 4 || length > _rest.Length)
            {
                throw new FormatException($"netlink attribute length {length} outside the {_rest.Length} bytes left");
            }

            Current = new NetlinkAttribute((ushort)(BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]) & 0x3FFF), _rest[4..length]);
            _rest = _rest[Math.Min(_rest.Length, Align(length))..];
            return true;
        }
    }

    private readonly ref struct NetlinkAttribute(ushort type, ReadOnlySpan<byte> value)
    {
        public ushort Type { get; } = type;

        public ReadOnlySpan<byte> Value { get; } = value;
    }
}
