using System.Buffers.Binary;
using System.Globalization;
using System.Net;

namespace OtlpGrains.Agent.Workloads;

/// <summary>One TCP socket of a network namespace, from <c>/proc/PID/net/tcp</c> or <c>tcp6</c>.</summary>
public readonly record struct TcpSocket(ulong Inode, IPEndPoint Local, IPEndPoint Remote, int State)
{
    /// <summary>TCP_LISTEN in the kernel's state numbering.</summary>
    public const int Listen = 0x0A;

    /// <summary>TCP_ESTABLISHED in the kernel's state numbering.</summary>
    public const int Established = 0x01;

    public bool IsListening => State == Listen;
}

/// <summary>
/// Reads a network namespace's TCP sockets and local addresses through <c>/proc/PID/net</c>, which shows the
/// namespace of PID (so no setns is needed to look into a pod's or an emulated node's namespace).
/// </summary>
public static class ProcNet
{
    /// <summary>The sockets in <c>tcp</c> and <c>tcp6</c> under <paramref name="netDirectory"/>, by inode.</summary>
    public static Dictionary<ulong, TcpSocket> ReadTcp(string netDirectory)
    {
        var sockets = new Dictionary<ulong, TcpSocket>();
        foreach (var file in new[] { "tcp", "tcp6" })
        {
            var path = Path.Combine(netDirectory, file);
            if (!File.Exists(path))
            {
                continue;
            }

            foreach (var line in File.ReadLines(path).Skip(1))
            {
                if (TryParseTcpLine(line, out var socket) && socket.Inode != 0)
                {
                    sockets[socket.Inode] = socket;
                }
            }
        }

        return sockets;
    }

    /// <summary>Parses a line of <c>/proc/net/tcp</c> or <c>tcp6</c> (addresses in hex, 32-bit words in host order).</summary>
    public static bool TryParseTcpLine(string line, out TcpSocket socket)
    {
        socket = default;
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 10 || !TryParseEndPoint(fields[1], out var local) || !TryParseEndPoint(fields[2], out var remote)
            || !int.TryParse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int state)
            || !ulong.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out ulong inode))
        {
            return false;
        }

        socket = new TcpSocket(inode, local, remote, state);
        return true;
    }

    /// <summary>
    /// The namespace's own unicast addresses, loopback and link-local left out: IPv4 from <c>fib_trie</c> (the
    /// <c>/32 host LOCAL</c> entries), IPv6 from <c>if_inet6</c> (global scope).
    /// </summary>
    public static List<IPAddress> ReadLocalAddresses(string netDirectory)
    {
        var addresses = new List<IPAddress>();
        var trie = Path.Combine(netDirectory, "fib_trie");
        if (File.Exists(trie))
        {
            string? last = null;
            foreach (var raw in File.ReadLines(trie))
            {
                var line = raw.Trim();
                if (line.StartsWith("|-- ", StringComparison.Ordinal))
                {
                    last = line[4..];
                }
                else if (line.StartsWith("/32 host LOCAL", StringComparison.Ordinal) && last is not null
                    && IPAddress.TryParse(last, out var address) && !IPAddress.IsLoopback(address) && !addresses.Contains(address))
                {
                    addresses.Add(address);
                }
            }
        }

        var inet6 = Path.Combine(netDirectory, "if_inet6");
        if (File.Exists(inet6))
        {
            foreach (var line in File.ReadLines(inet6))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 4 && fields[0].Length == 32 && fields[3] == "00")
                {
                    var address = new IPAddress(Convert.FromHexString(fields[0]));
                    if (!addresses.Contains(address))
                    {
                        addresses.Add(address);
                    }
                }
            }
        }

        return addresses;
    }

    private static bool TryParseEndPoint(string text, out IPEndPoint endpoint)
    {
        endpoint = null!;
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon is not (8 or 32) || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int port))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        for (int word = 0; word < colon / 8; word++)
        {
            if (!uint.TryParse(text.AsSpan(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint value))
            {
                return false;
            }

            BinaryPrimitives.WriteUInt32LittleEndian(bytes[(word * 4)..], value);
        }

        var address = new IPAddress(bytes[..(colon / 2)]);
        endpoint = new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, port);
        return true;
    }
}
