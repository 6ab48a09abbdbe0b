using System.Net;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Workloads;

/// <summary>
/// A read-only copy of the directory's names for lookups by peer: a virtual node is named by a client span's
/// <c>server.address</c> (or <c>peer.service</c>), which may be an address, <c>address:port</c> or
/// <c>[v6]:port</c>. An address with port entries but no port-0 entry is named only when all its ports name one service.
/// </summary>
public sealed class WorkloadNameTable
{
    private readonly Dictionary<(string Address, int Port), string> _byEndpoint = [];
    private readonly Dictionary<string, string?> _byAddress = new(StringComparer.Ordinal);

    public WorkloadNameTable(WorkloadNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        Version = names.Version;
        foreach (var entry in names.Entries)
        {
            _byEndpoint[(entry.Address, entry.Port)] = entry.Service;
        }

        // An address alone: its port-0 entry, else the one service all its ports agree on (null when they do not).
        foreach (var ((address, port), service) in _byEndpoint)
        {
            if (port == 0)
            {
                _byAddress[address] = service;
            }
            else if (!_byEndpoint.ContainsKey((address, 0)))
            {
                _byAddress[address] = _byAddress.TryGetValue(address, out var other) && other != service ? null : service;
            }
        }
    }

    public static WorkloadNameTable Empty { get; } = new(new WorkloadNames(0, []));

    public long Version { get; }

    public int Count => _byEndpoint.Count;

    /// <summary>The service that owns a peer named by address or endpoint, or null when the directory does not know it.</summary>
    public string? ServiceOf(string peer)
    {
        if (string.IsNullOrEmpty(peer) || _byEndpoint.Count == 0)
        {
            return null;
        }

        if (_byAddress.TryGetValue(peer, out var byAddress))
        {
            return byAddress;
        }

        if (IPEndPoint.TryParse(peer, out var endpoint) && endpoint.Port != 0)
        {
            string address = WorkloadDirectory.Canonical(endpoint.Address);
            return _byEndpoint.TryGetValue((address, endpoint.Port), out var service) ? service
                : _byAddress.GetValueOrDefault(address);
        }

        return IPAddress.TryParse(peer, out var parsed) ? _byAddress.GetValueOrDefault(WorkloadDirectory.Canonical(parsed)) : null;
    }
}
