using System.Net;
using System.Net.Sockets;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Workloads;

/// <summary>
/// Which service owns which address (port 0) or address and port, as node agents report them. Of two owners of one
/// entry the later process start wins, so an address a new process took over is renamed and the old owner's later
/// reports of it change nothing; a node's complete report forgets that node's entries it left out; an entry not
/// reported for the TTL expires. Bounded: new entries beyond <c>maxEntries</c> are refused (counted).
/// </summary>
/// <remarks>
/// Times (<c>now</c>, the TTL) are in one unit of the caller's choosing; the version moves with every change from
/// <c>firstVersion</c>, which a new activation picks at random, so that a copy of an earlier activation's names never
/// looks current.
/// </remarks>
public sealed class WorkloadDirectory(long ttl, int maxEntries, long firstVersion = 0)
{
    private readonly Dictionary<(string Address, int Port), Owner> _entries = [];

    /// <summary>Entries held.</summary>
    public int Count => _entries.Count;

    /// <summary>Moves with every change of a name, so that a copy knows when it is stale.</summary>
    public long Version { get; private set; } = firstVersion;

    /// <summary>Entries refused since the directory started: invalid, or beyond the bound.</summary>
    public long Refused { get; private set; }

    /// <summary>Takes a node's report at <paramref name="now"/>.</summary>
    public WorkloadReportResult Report(string nodeId, IReadOnlyList<WorkloadEntry> entries, bool complete, long now)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (string.IsNullOrEmpty(nodeId))
        {
            Refused += entries.Count;
            return new WorkloadReportResult(0, entries.Count, "node_id is empty");
        }

        int accepted = 0, rejected = 0;
        string? error = null;
        var reported = complete ? new HashSet<(string, int)>() : null;
        bool changed = false;
        foreach (var entry in entries)
        {
            if (Problem(entry, out string address) is { } problem)
            {
                rejected++;
                error ??= problem;
                continue;
            }

            var key = (address, entry.Port);
            var owner = new Owner(nodeId, entry.Service, entry.InstanceId, entry.ProcessStartUnixNano, now);
            if (_entries.TryGetValue(key, out var current))
            {
                if (current.ProcessStartUnixNano > entry.ProcessStartUnixNano)
                {
                    // A newer process holds the address: the old owner's word is stale.
                    accepted++;
                    continue;
                }

                changed |= current.Service != owner.Service || current.NodeId != nodeId;
            }
            else if (_entries.Count >= maxEntries)
            {
                rejected++;
                error ??= $"the workload directory is full ({maxEntries} entries)";
                continue;
            }
            else
            {
                changed = true;
            }

            _entries[key] = owner;
            reported?.Add(key);
            accepted++;
        }

        if (reported is not null)
        {
            changed |= Forget(key => _entries[key].NodeId == nodeId && !reported.Contains(key)) > 0;
        }

        Refused += rejected;
        if (changed)
        {
            Version++;
        }

        return new WorkloadReportResult(accepted, rejected, error);
    }

    /// <summary>Forgets the entries not reported for the TTL; returns how many.</summary>
    public int Expire(long now)
    {
        int expired = Forget(key => now - _entries[key].ReportedAt >= ttl);
        if (expired > 0)
        {
            Version++;
        }

        return expired;
    }

    /// <summary>Every entry, for the silos' copies.</summary>
    public WorkloadNames Snapshot() => new(
        Version,
        [.. _entries.Select(e => new WorkloadEntry(e.Key.Address, e.Key.Port, e.Value.Service, e.Value.InstanceId, e.Value.ProcessStartUnixNano))]);

    /// <summary>Why an entry is refused (null when it is fine), and its address in canonical text form.</summary>
    public static string? Problem(WorkloadEntry entry, out string address)
    {
        ArgumentNullException.ThrowIfNull(entry);
        address = string.Empty;
        if (string.IsNullOrEmpty(entry.Address))
        {
            return "an entry has no address";
        }

        if (string.IsNullOrEmpty(entry.Service))
        {
            return $"the entry for {entry.Address} has no service name";
        }

        if (entry.Port is < 0 or > 65535)
        {
            return $"the entry for {entry.Address} has port {entry.Port}, not 0-65535";
        }

        if (!IPAddress.TryParse(entry.Address, out var parsed))
        {
            return $"'{entry.Address}' is not an IPv4 or IPv6 address";
        }

        address = Canonical(parsed);
        return null;
    }

    /// <summary>The text form the agent uses: IPv4-mapped IPv6 unmapped, IPv6 compressed, no scope.</summary>
    public static string Canonical(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
        {
            address = new IPAddress(address.GetAddressBytes());
        }

        return address.ToString();
    }

    private int Forget(Func<(string, int), bool> gone)
    {
        var forgotten = _entries.Keys.Where(gone).ToList();
        foreach (var key in forgotten)
        {
            _entries.Remove(key);
        }

        return forgotten.Count;
    }

    private readonly record struct Owner(string NodeId, string Service, string InstanceId, long ProcessStartUnixNano, long ReportedAt);
}
