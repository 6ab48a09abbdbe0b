using OtlpGrains.Interfaces;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>
/// The span signal's windows in mergeable form, with the edge windows of the same event-time range: what root-cause
/// analysis compares and federation merges.
/// </summary>
internal static class WindowSnapshotView
{
    /// <summary>
    /// Every retained window overlapping [from, to) that saw spans or calls, oldest first. The span and edge signals
    /// keep their own windows (and watermarks), joined here by start time.
    /// </summary>
    public static WindowSnapshot[] Build(SpanSignal spans, EdgeSignal edges, long fromUnixNano, long toUnixNano)
    {
        var byStart = new SortedDictionary<long, (TimeWindow<SpanWindow>? Spans, EdgeWindowSet? Edges)>();
        foreach (TimeWindow<SpanWindow> window in spans.Windows.Windows.Range(fromUnixNano, toUnixNano))
        {
            byStart[window.StartUnixNano] = (window, null);
        }

        foreach (TimeWindow<EdgeWindowSet> window in edges.Windows.Windows.Range(fromUnixNano, toUnixNano))
        {
            byStart[window.StartUnixNano] = byStart.TryGetValue(window.StartUnixNano, out var found)
                ? (found.Spans, window.Bucket)
                : (new TimeWindow<SpanWindow>(window.StartUnixNano, window.EndUnixNano, new SpanWindow()), window.Bucket);
        }

        var result = new WindowSnapshot[byStart.Count];
        int next = 0;
        foreach ((TimeWindow<SpanWindow>? spanWindow, EdgeWindowSet? edgeWindows) in byStart.Values)
        {
            TimeWindow<SpanWindow> window = spanWindow!.Value;
            SpanWindow bucket = window.Bucket;
            result[next++] = new WindowSnapshot(
                window.Start,
                window.End,
                bucket.Spans,
                bucket.Requests,
                bucket.Errors,
                bucket.RequestLatency.ToSnapshot(),
                OperationsOf(spans, bucket),
                CalleesOf(edges, edgeWindows))
            {
                Traces = bucket.Traces(spans.Operations),
            };
        }

        return result;
    }

    private static OperationSnapshot[] OperationsOf(SpanSignal spans, SpanWindow bucket)
    {
        var operations = new OperationSnapshot[bucket.Operations.Count];
        int next = 0;
        foreach ((int id, OperationWindow operation) in bucket.Operations)
        {
            operations[next++] = new OperationSnapshot(
                spans.Operations.NameOf(id), operation.Spans, operation.Requests, operation.Errors, operation.Latency.ToSnapshot());
        }

        Array.Sort(operations, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return operations;
    }

    private static CalleeSnapshot[] CalleesOf(EdgeSignal edges, EdgeWindowSet? window)
    {
        if (window is null)
        {
            return [];
        }

        var callees = new CalleeSnapshot[window.Callees.Count];
        int next = 0;
        foreach ((int id, EdgeWindow edge) in window.Callees)
        {
            callees[next++] = new CalleeSnapshot(
                edges.Callees.NameOf(id), edges.EdgeOf(id).Virtual, edge.Calls, edge.Errors, edge.Latency.ToSnapshot());
        }

        Array.Sort(callees, static (a, b) => string.CompareOrdinal(a.Server, b.Server));
        return callees;
    }
}
