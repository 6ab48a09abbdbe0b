using System.Globalization;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Traces;

/// <summary>
/// Joins the parts of one trace into the whole trace, the parts that several clusters kept (<see cref="Merge"/>) or
/// that one cluster kept as the trace's spans came in late (<see cref="Join"/>): spans are united by span id (the
/// first part to name a span wins), then the tree, critical path and self time are built again over all of them, so
/// that a client span in one part becomes the parent of its server span in another.
/// </summary>
public static class TraceMerge
{
    /// <summary>The merged trace; its trace is null when no part holds a span.</summary>
    public static FederatedTrace Merge(string traceId, IReadOnlyList<TracePart> parts, ClusterAnswer[] clusters, int maxSpans)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var spans = new List<TraceSpan>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var attributes = new Dictionary<string, AttributeView[]>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            foreach (var view in part.Spans)
            {
                if (owners.TryAdd(view.SpanId, part.Cluster))
                {
                    spans.Add(ToSpan(view));
                    attributes.Add(view.SpanId, view.Attributes);
                }
            }
        }

        if (spans.Count == 0)
        {
            return new FederatedTrace(null, owners, clusters);
        }

        var store = new TraceSpanStore(Math.Max(maxSpans, 1));
        store.Add(spans, []);
        var reasons = string.Join(',', parts.Select(p => p.KeptBecause).OfType<string>().Distinct(StringComparer.Ordinal));
        // The rebuilt views know the spans' times and links, not their attributes: those come from the parts' views.
        var merged = TraceViewBuilder.Build(store, traceId, reasons);
        merged = merged with { Spans = [.. merged.Spans.Select(v => v with { Attributes = attributes[v.SpanId] })] };
        return new FederatedTrace(merged, owners, clusters);
    }

    /// <summary>
    /// One trace from the parts this cluster kept of it (a first completion and the continuations of spans that came
    /// later); null when there is no part. Its reasons are every part's, first part first.
    /// </summary>
    public static TraceView? Join(string traceId, IReadOnlyList<TraceView> parts, int maxSpans)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return parts.Count switch
        {
            0 => null,
            1 => parts[0],
            _ => Merge(traceId, [.. parts.Select(p => new TracePart(string.Empty, p.Spans, p.KeptBecause == KeptContinuations.Reason ? null : p.KeptBecause))], [], maxSpans).Trace is { } joined
                ? joined with { CutSpans = parts.Sum(p => p.CutSpans) }
                : null,
        };
    }

    /// <summary>A kept span back in the form the trace classes take (names in a label of its own).</summary>
    public static TraceSpan ToSpan(TraceSpanView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new TraceSpan(
            ulong.Parse(view.SpanId, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
            view.ParentSpanId is null ? 0 : ulong.Parse(view.ParentSpanId, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
            view.Service,
            view.Name,
            KindOf(view.Kind),
            UnixNanos(view.Start),
            UnixNanos(view.End),
            StatusOf(view.Status),
            StatusOf(view.Status) == 2,
            null);
    }

    public static long UnixNanos(DateTimeOffset time) => Statistics.UnixNanos.FromDateTimeOffset(time);

    public static SpanKindCode KindOf(string name) => name switch
    {
        "INTERNAL" => SpanKindCode.Internal,
        "SERVER" => SpanKindCode.Server,
        "CLIENT" => SpanKindCode.Client,
        "PRODUCER" => SpanKindCode.Producer,
        "CONSUMER" => SpanKindCode.Consumer,
        _ => SpanKindCode.Unspecified,
    };

    public static byte StatusOf(string name) => name switch
    {
        "OK" => 1,
        "ERROR" => 2,
        _ => 0,
    };
}
