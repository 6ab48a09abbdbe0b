using System.Globalization;
using System.Net;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.V1;

namespace OtlpGrains.Agent.Workloads;

/// <summary>
/// The addresses the followed processes use, with their owners, for a workload report: each listening socket's
/// address and port (a wildcard listener stands for every address of its namespace) and the local address of each
/// other connection as port 0 (a client's source address, usually its pod IP). Sockets are matched to processes by
/// the inodes in <c>/proc/PID/fd</c>; each network namespace's tables are read at most once per scan, and not at all
/// while what was read last still answers (<see cref="TablesMaxAge"/>). Loopback addresses are left out: they name no
/// workload across nodes.
/// </summary>
public sealed class WorkloadScanner(string procRoot = "/proc", TimeProvider? time = null)
{
    /// <summary>
    /// How long a namespace's tables are used again without a read while its processes' sockets are the same settled
    /// ones. Reading <c>net/tcp</c> walks the kernel's whole connection hash (every bucket, however few sockets), which
    /// was the largest part of a report's cost.
    /// </summary>
    public static readonly TimeSpan TablesMaxAge = TimeSpan.FromSeconds(60);

    private readonly long _bootUnixNs = BootTimeUnixNs(procRoot);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private Dictionary<string, NamespaceTables> _lastTables = [];
    private long _scans;

    /// <summary>Namespace table reads so far (each reads <c>tcp</c>, <c>tcp6</c> and the local addresses).</summary>
    public long TableReads { get; private set; }

    public List<WorkloadAddress> Scan(IReadOnlyList<(ProcessIdentity Identity, long? StartTicks)> processes)
    {
        var now = _time.GetUtcNow();
        _scans++;
        var namespaces = new Dictionary<string, NamespaceTables>();
        var seen = new HashSet<(IPAddress, int)>();
        var report = new List<WorkloadAddress>();
        foreach (var (identity, startTicks) in processes)
        {
            var dir = Path.Combine(procRoot, identity.Pid.ToString(CultureInfo.InvariantCulture));
            var netns = Link(Path.Combine(dir, "ns", "net"));
            var inodes = SocketInodes(Path.Combine(dir, "fd"));
            if (netns is null || inodes.Count == 0)
            {
                continue;
            }

            // At most one read per namespace and scan; the last scan's tables serve while they answer for every process.
            var tables = namespaces.GetValueOrDefault(netns) ?? _lastTables.GetValueOrDefault(netns);
            if (tables is null || (tables.Scan != _scans && !tables.Answers(inodes, now)))
            {
                tables = ReadTables(dir, now);
            }

            namespaces[netns] = tables;
            if (tables.Scan == _scans)
            {
                tables.Explain(inodes);
            }

            var mine = inodes.Select(i => tables.Sockets.GetValueOrDefault(i)).Where(s => s.Local is not null).ToList();
            var listening = mine.Where(s => s.IsListening).Select(s => s.Local.Port).ToHashSet();
            foreach (var socket in mine)
            {
                if (socket.IsListening)
                {
                    foreach (var address in Expand(socket.Local.Address, tables.Addresses))
                    {
                        Add(report, seen, identity, startTicks, address, socket.Local.Port);
                    }
                }
                else if (!listening.Contains(socket.Local.Port))
                {
                    Add(report, seen, identity, startTicks, socket.Local.Address, 0);
                }
            }
        }

        _lastTables = namespaces; // namespaces no longer followed are forgotten
        return report;
    }

    private NamespaceTables ReadTables(string processDirectory, DateTimeOffset now)
    {
        TableReads++;
        var net = Path.Combine(processDirectory, "net");
        var sockets = Read(() => ProcNet.ReadTcp(net));
        var addresses = Read(() => ProcNet.ReadLocalAddresses(net));
        // A failed read (the process exited meanwhile) serves this scan only.
        return new NamespaceTables(sockets ?? [], addresses ?? [], sockets is null || addresses is null ? DateTimeOffset.MinValue : now, _scans);
    }

    /// <summary>A namespace's sockets by inode and its local addresses, as read at <see cref="ReadAt"/> in scan <see cref="Scan"/>.</summary>
    private sealed record NamespaceTables(Dictionary<ulong, TcpSocket> Sockets, List<IPAddress> Addresses, DateTimeOffset ReadAt, long Scan)
    {
        // Socket inodes of the namespace's processes that the read did not list: unix and UDP sockets, and TCP ones
        // neither bound nor connected yet. Such a socket that listens later is named after TablesMaxAge at most.
        private readonly HashSet<ulong> _unlisted = [];

        /// <summary>Remembers which of a process's socket inodes, seen in the scan that read these tables, they do not list.</summary>
        public void Explain(HashSet<ulong> inodes)
        {
            foreach (ulong inode in inodes)
            {
                if (!Sockets.ContainsKey(inode))
                {
                    _unlisted.Add(inode);
                }
            }
        }

        /// <summary>
        /// Whether these tables still tell what a process with these socket inodes reports: the read is recent (the
        /// namespace's addresses can change), and every inode is one the read listed in a settled state (listening, or
        /// connected: its local address is fixed) or one it did not list at all. A new socket, or one that was still
        /// connecting, needs a new read.
        /// </summary>
        public bool Answers(HashSet<ulong> inodes, DateTimeOffset now) =>
            now - ReadAt < TablesMaxAge
            && inodes.All(i => Sockets.TryGetValue(i, out var socket) ? socket.State is TcpSocket.Listen or TcpSocket.Established : _unlisted.Contains(i));
    }

    // A wildcard listener is reachable on every address of its namespace (:: on IPv4 ones too, dual-stack).
    private static IEnumerable<IPAddress> Expand(IPAddress bound, List<IPAddress> local) =>
        bound.Equals(IPAddress.Any) ? local.Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        : bound.Equals(IPAddress.IPv6Any) ? local
        : [bound];

    private void Add(List<WorkloadAddress> report, HashSet<(IPAddress, int)> seen, ProcessIdentity identity, long? startTicks, IPAddress address, int port)
    {
        if (IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || !seen.Add((address, port)))
        {
            return;
        }

        report.Add(new WorkloadAddress
        {
            Address = address.ToString(),
            Port = (uint)port,
            ServiceName = identity.ServiceName,
            ProcessStartTimeUnixNano = startTicks is { } ticks && _bootUnixNs > 0 ? (ulong)(_bootUnixNs + (ticks * 10_000_000)) : 0,
            K8SPodUid = identity.PodUid ?? string.Empty,
            ContainerId = identity.ContainerId ?? string.Empty,
        });
    }

    private static HashSet<ulong> SocketInodes(string fdDirectory)
    {
        var inodes = new HashSet<ulong>();
        foreach (var fd in Read(() => Directory.GetFiles(fdDirectory)) ?? [])
        {
            // "socket:[12345]"
            if (Link(fd) is { } target && target.StartsWith("socket:[", StringComparison.Ordinal)
                && ulong.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out ulong inode))
            {
                inodes.Add(inode);
            }
        }

        return inodes;
    }

    private static string? Link(string path) => Read(() => new FileInfo(path).LinkTarget);

    // A process can exit between any two reads: whatever it was doing is then simply not reported.
    private static T? Read<T>(Func<T?> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // Process start times are clock ticks (USER_HZ, 100 on Linux) after boot; btime in /proc/stat is boot in Unix s.
    private static long BootTimeUnixNs(string procRoot)
    {
        var stat = Read(() => File.ReadAllLines(Path.Combine(procRoot, "stat")));
        var line = stat?.FirstOrDefault(l => l.StartsWith("btime ", StringComparison.Ordinal));
        return line is not null && long.TryParse(line.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) ? seconds * 1_000_000_000 : 0;
    }
}
