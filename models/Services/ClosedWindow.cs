namespace OtlpGrains.Models.Services;

/// <summary>The signals whose windows close into feature vectors.</summary>
public enum WindowSignal
{
    /// <summary><c>FeatureSchema.Red</c>: rate, errorRatio, p50, p95, p99.</summary>
    Spans = 0,

    /// <summary>One value per known metric series, in series-id order.</summary>
    Metrics = 1,

    /// <summary>Log records by severity, in <c>UNSPECIFIED, TRACE, DEBUG, INFO, WARN, ERROR, FATAL</c> order.</summary>
    Logs = 2,
}

/// <summary>
/// One window of one signal of a service that has closed, given once to the detectors: its event-time range and
/// its feature vector, each value named by <see cref="Names"/> in the same order. NaN marks a value the window
/// could not give (latency of a window without requests, a metric series without points in it).
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ClosedWindow")]
public sealed record ClosedWindow(
    [property: Id(0)] WindowSignal Signal,
    [property: Id(1)] long StartUnixNano,
    [property: Id(2)] long EndUnixNano,
    [property: Id(3)] IReadOnlyList<string> Names,
    [property: Id(4)] double[] Features)
{
    /// <summary>Log windows: records per template id, by id; empty for the other signals.</summary>
    [Id(5)] public KeyValuePair<int, long>[] Templates { get; init; } = [];

    /// <summary>Log windows: transitions (template A then B in one span) by packed key, ascending; empty for the other signals.</summary>
    [Id(6)] public KeyValuePair<long, long>[] Transitions { get; init; } = [];
}
