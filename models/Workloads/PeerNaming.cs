using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Workloads;

/// <summary>
/// Names the service graph's virtual nodes that the workload directory knows: an edge to an address becomes an edge to
/// the service that owns it, merged with an edge the caller already has to that service.
/// </summary>
public static class PeerNaming
{
    /// <summary>
    /// The edges with every named virtual callee replaced. A merged edge adds calls and errors; its latency is the busier
    /// edge's (percentiles of two edges cannot be added, and the busier one is most of the calls).
    /// </summary>
    public static EdgeStats[] Name(EdgeStats[] edges, WorkloadNameTable names)
    {
        ArgumentNullException.ThrowIfNull(edges);
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0 || !edges.Any(e => e.Virtual && names.ServiceOf(e.Server) is not null))
        {
            return edges;
        }

        var merged = new Dictionary<(string Client, string Server, bool Virtual), EdgeStats>();
        var order = new List<(string, string, bool)>();
        foreach (var edge in edges)
        {
            var named = edge.Virtual && names.ServiceOf(edge.Server) is { } service ? edge with { Server = service, Virtual = false } : edge;
            var key = (named.Client, named.Server, named.Virtual);
            if (merged.TryGetValue(key, out var other))
            {
                var busier = other.Calls >= named.Calls ? other : named;
                merged[key] = busier with { Calls = other.Calls + named.Calls, Errors = other.Errors + named.Errors };
            }
            else
            {
                merged.Add(key, named);
                order.Add(key);
            }
        }

        return [.. order.Select(k => merged[k])];
    }
}
