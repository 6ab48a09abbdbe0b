namespace OtlpGrains.Interfaces;

/// <summary>
/// One window of a service's span signal in mergeable form: counts add up and histograms merge across windows (and
/// across clusters), so that a reader can compare or combine any set of windows without losing percentiles.
/// </summary>
/// <param name="Latency">Latency of the window's requests.</param>
/// <param name="Operations">Per span name: the window's spans, requests, errors and latency of all its spans.</param>
/// <param name="Callees">Per outgoing edge: the window's calls, errors and client-side latency.</param>
[GenerateSerializer, Immutable, Alias("otlpgrains.WindowSnapshot")]
public sealed record WindowSnapshot(
    [property: Id(0)] DateTimeOffset Start,
    [property: Id(1)] DateTimeOffset End,
    [property: Id(2)] long Spans,
    [property: Id(3)] long Requests,
    [property: Id(4)] long Errors,
    [property: Id(5)] HistogramSnapshot Latency,
    [property: Id(6)] OperationSnapshot[] Operations,
    [property: Id(7)] CalleeSnapshot[] Callees)
{
    /// <summary>The window's slowest request and its last failed one, with their traces (each when there is one).</summary>
    [Id(8)] public RequestTrace[] Traces { get; init; } = [];
}

/// <summary>One operation (span name) in one window; see <see cref="WindowSnapshot"/>.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.OperationSnapshot")]
public sealed record OperationSnapshot(
    [property: Id(0)] string Name,
    [property: Id(1)] long Spans,
    [property: Id(2)] long Requests,
    [property: Id(3)] long Errors,
    [property: Id(4)] HistogramSnapshot Latency);

/// <summary>One outgoing edge in one window; see <see cref="WindowSnapshot"/>.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.CalleeSnapshot")]
public sealed record CalleeSnapshot(
    [property: Id(0)] string Server,
    [property: Id(1)] bool Virtual,
    [property: Id(2)] long Calls,
    [property: Id(3)] long Errors,
    [property: Id(4)] HistogramSnapshot Latency);
