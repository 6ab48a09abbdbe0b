namespace OtlpGrains.Interfaces;

/// <summary>
/// A trace merged from the parts the clusters kept: the whole trace (null when no cluster kept any of it), the cluster
/// each span came from (by span id), and how each cluster answered.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.FederatedTrace")]
public sealed record FederatedTrace(
    [property: Id(0)] TraceView? Trace,
    [property: Id(1)] IReadOnlyDictionary<string, string> SpanClusters,
    [property: Id(2)] ClusterAnswer[] Clusters);

/// <summary>The part of a trace one cluster kept: its spans (possibly none) and why it kept them.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.TracePart")]
public sealed record TracePart(
    [property: Id(0)] string Cluster,
    [property: Id(1)] TraceSpanView[] Spans,
    [property: Id(2)] string? KeptBecause);
