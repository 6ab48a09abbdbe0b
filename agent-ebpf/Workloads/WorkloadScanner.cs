using System.Globalization;
using System.Net;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.V1;

namespace OtlpGrains.Agent.Workloads;

/// <summary>
/// The addresses the followed processes use, with their owners, for a workload report: each listening socket's
/// address and port (a wildcard listener stands for every address of its namespace) and the local address of each
/// other connection as port 0 (a client's source address, usually its pod IP). Sockets are matched to processes by
/// the inodes in <c>/proc/PID/fd</c>; each network namespace's tables are read once. Loopback addresses are left out:
/// they name no workload across nodes.
/// </summary>
public sealed class WorkloadScanner(string procRoot = "/proc")
{
    private readonly long _bootUnixNs = BootTimeUnixNs(procRoot);

    public List<WorkloadAddress> Scan(IReadOnlyList<(ProcessIdentity Identity, long? StartTicks)> processes)
    {
        var namespaces = new Dictionary<string, (Dictionary<ulong, TcpSocket> Sockets, List<IPAddress> Addresses)>();
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

            if (!namespaces.TryGetValue(netns, out var tables))
            {
                var net = Path.Combine(dir, "net");
                tables = (Read(() => ProcNet.ReadTcp(net)) ?? [], Read(() => ProcNet.ReadLocalAddresses(net)) ?? []);
                namespaces[netns] = tables;
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

        return report;
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
