using OtlpGrains.Interfaces;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>A service's outgoing edges: call totals since first seen, client-side latency over a range of edge windows.</summary>
internal static class DownstreamView
{
    /// <summary>Every known callee, busiest first, then by name, so that the order does not depend on arrival.</summary>
    public static EdgeStats[] Build(string client, EdgeSignal edges, long fromUnixNano, long toUnixNano)
    {
        var latencies = new LatencyHistogram[edges.Callees.Count];
        for (int id = 0; id < latencies.Length; id++)
        {
            latencies[id] = new LatencyHistogram();
        }

        foreach (TimeWindow<EdgeWindowSet> window in edges.Windows.Windows.Range(fromUnixNano, toUnixNano))
        {
            foreach ((int id, EdgeWindow edge) in window.Bucket.Callees)
            {
                latencies[id].Merge(edge.Latency);
            }
        }

        var result = new EdgeStats[latencies.Length];
        for (int id = 0; id < result.Length; id++)
        {
            KnownEdge edge = edges.EdgeOf(id);
            result[id] = new EdgeStats(client, edges.Callees.NameOf(id), edge.Virtual, edge.Calls, edge.Errors, latencies[id].Summary());
        }

        Array.Sort(result, static (a, b) =>
        {
            int order = b.Calls.CompareTo(a.Calls);
            return order != 0 ? order : string.CompareOrdinal(a.Server, b.Server);
        });
        return result;
    }
}
