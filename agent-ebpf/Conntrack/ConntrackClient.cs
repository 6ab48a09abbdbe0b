using System.Net;
using System.Runtime.InteropServices;

namespace OtlpGrains.Agent.Conntrack;

/// <summary>
/// Asks a network namespace's connection tracking table for one connection's entry over a NETLINK_NETFILTER socket
/// opened inside that namespace (conntrack tables are per namespace). One request and one answer per lookup, bounded
/// by <see cref="Timeout"/>; the caller asks once per connection and keeps the answer. Thread-safe (one lookup at a
/// time).
/// </summary>
public sealed unsafe class ConntrackClient : IDisposable
{
    private const int Enoent = 2;
    private const int MaxReadsPerLookup = 4;

    private readonly Lock _gate = new();
    private readonly byte[] _receive = new byte[8192];
    private int _fd;
    private uint _sequence;

    private ConntrackClient(int fd, TimeSpan timeout)
    {
        _fd = fd;
        Timeout = timeout;
    }

    /// <summary>How long a lookup waits for the kernel's answer.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Lookups asked.</summary>
    public long Lookups { get; private set; }

    /// <summary>Entries found whose reply tuple is not the original's mirror (DNAT, SNAT).</summary>
    public long Translated { get; private set; }

    /// <summary>Lookups the table had no entry for (ENOENT: untracked or already expired).</summary>
    public long NotFound { get; private set; }

    /// <summary>Lookups that failed otherwise (an error from the kernel, no answer in time, a malformed answer).</summary>
    public long Failures { get; private set; }

    /// <summary>The last failure, for the log.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>Opens the socket in the namespace of <paramref name="netnsPath"/> (null: the agent's own).</summary>
    /// <exception cref="InvalidOperationException">No socket (no CAP_NET_ADMIN, no conntrack in the kernel); the message says why.</exception>
    public static ConntrackClient Open(string? netnsPath, TimeSpan? timeout = null)
    {
        var wait = timeout ?? TimeSpan.FromMilliseconds(200);
        int fd = NetworkNamespace.Run(netnsPath, () => Native.Socket(Native.AfNetlink, Native.SockRaw | Native.SockCloexec, Native.NetlinkNetfilter) is var s && s >= 0
            ? s
            : throw new InvalidOperationException($"netlink socket for conntrack failed (errno {Marshal.GetLastPInvokeError()})"));
        long* timeval = stackalloc long[2];
        timeval[0] = (long)wait.TotalSeconds;
        timeval[1] = (long)(wait.TotalMicroseconds % 1_000_000);
        if (Native.SetSockOpt(fd, Native.SolSocket, Native.SoRcvTimeo, timeval, 16) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Native.Close(fd);
            throw new InvalidOperationException($"SO_RCVTIMEO on the conntrack socket failed (errno {errno})");
        }

        return new ConntrackClient(fd, wait);
    }

    /// <summary>
    /// The entry of the TCP connection from <paramref name="source"/> to <paramref name="destination"/> (either
    /// direction's tuple finds it); null when there is none or the lookup failed (counted either way).
    /// </summary>
    public ConntrackEntry? Lookup(IPEndPoint source, IPEndPoint destination)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_fd < 0, this);
            Lookups++;
            try
            {
                var entry = Ask(source, destination);
                Translated += entry?.IsTranslated == true ? 1 : 0;
                return entry;
            }
            catch (FormatException e)
            {
                Fail($"malformed answer: {e.Message}");
                return null;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_fd >= 0)
            {
                Native.Close(_fd);
                _fd = -1;
            }
        }
    }

    private ConntrackEntry? Ask(IPEndPoint source, IPEndPoint destination)
    {
        uint sequence = ++_sequence;
        Span<byte> request = stackalloc byte[ConntrackMessages.MaxRequestBytes];
        int length = ConntrackMessages.WriteGet(request, sequence, source, destination);
        fixed (byte* bytes = request)
        {
            if (Native.Send(_fd, bytes, (nuint)length, 0) != length)
            {
                return Fail($"send failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }

        for (int read = 0; read < MaxReadsPerLookup; read++)
        {
            nint received;
            fixed (byte* buffer = _receive)
            {
                received = Native.Receive(_fd, buffer, (nuint)_receive.Length, 0);
            }

            if (received < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Native.Eintr)
                {
                    continue;
                }

                return Fail(errno == Native.Eagain ? $"no answer within {Timeout.TotalMilliseconds:F0} ms" : $"recv failed (errno {errno})");
            }

            switch (ConntrackMessages.ReadReply(_receive.AsSpan(0, (int)received), sequence, out var entry, out int error))
            {
                case ConntrackMessages.ReplyKind.Entry:
                    return entry;
                case ConntrackMessages.ReplyKind.Error when error == -Enoent:
                    NotFound++;
                    return null;
                case ConntrackMessages.ReplyKind.Error:
                    return Fail($"the kernel answered errno {-error}");
            }
        }

        return Fail("no answer to the request among the messages received");
    }

    private ConntrackEntry? Fail(string why)
    {
        Failures++;
        LastFailure = why;
        return null;
    }
}
