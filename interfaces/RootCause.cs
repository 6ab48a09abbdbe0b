namespace OtlpGrains.Interfaces;

/// <summary>
/// A ranked root-cause candidate of an incident: the service (and operation, when one stands out), its score
/// (higher is likelier; comparable within one incident), and the evidence that put it there.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.RootCause")]
public sealed record RootCause(
    [property: Id(0)] string Service,
    [property: Id(1)] string? Operation,
    [property: Id(2)] double Score,
    [property: Id(3)] Evidence[] Evidence)
{
    /// <summary>The peer cluster the service belongs to, for a cause in another cluster; null for this cluster's own.</summary>
    [Id(4)] public string? Cluster { get; init; }
}

/// <summary>
/// One piece of evidence, as an SRE reads it: its kind (<c>anomaly</c>, <c>callees</c>, <c>callers</c>,
/// <c>onset</c>), a one-line summary, and the value against its baseline when it is a measurement.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.Evidence")]
public sealed record Evidence(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Summary,
    [property: Id(2)] double? Value,
    [property: Id(3)] double? Baseline)
{
    /// <summary>
    /// The log template a <c>logs</c> item is about, so that a reader can open its exemplars (and their traces) from
    /// <c>/api/v1/services/{service}/logs/templates</c>; null for other kinds.
    /// </summary>
    [Id(4)] public int? TemplateId { get; init; }

    /// <summary>The trace a <c>trace</c> item is about (32 hex digits, as <c>/api/v1/traces/{id}</c> takes it); null for other kinds.</summary>
    [Id(5)] public string? TraceId { get; init; }
}
