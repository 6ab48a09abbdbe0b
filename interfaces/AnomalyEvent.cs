namespace OtlpGrains.Interfaces;

/// <summary>
/// A closed window that a service's adaptive thresholds judged anomalous, or that continues an anomaly whose signals
/// have not come back yet (<see cref="Held"/>): every window of an anomaly is an event, with the same
/// <see cref="Onset"/>, so a consumer sees it last and then end. Published on stream provider
/// <see cref="StreamNames.Provider"/>, namespace <see cref="StreamNames.Anomalies"/>, keyed by service name, and
/// kept (the last few) by the service grain for the API.
/// </summary>
/// <param name="Id">
/// <c>service/signal/windowStartUnixNano</c>: the same window gives the same id, so that a consumer drops the
/// duplicates a crash and replay may publish again.
/// </param>
/// <param name="Service">The service.</param>
/// <param name="Signal">The window's signal: <c>spans</c> (RED), <c>metrics</c> or <c>logs</c>.</param>
/// <param name="Signals">The signals that drove the verdict, strongest first (<c>errorRatio</c>, <c>p99</c>, a metric series).</param>
/// <param name="Score">The window's anomaly score in [0, 1].</param>
/// <param name="Severity"><c>warning</c> or <c>critical</c>.</param>
/// <param name="Threshold">The threshold the score crossed (critical for critical, else warning).</param>
/// <param name="WindowStart">Event-time start of the window.</param>
/// <param name="WindowEnd">Event-time end of the window.</param>
/// <param name="DetectedAt">The signal's watermark (event time) when the window closed, so a replay gives the same value.</param>
/// <param name="Model">The model version that scored the window.</param>
[GenerateSerializer, Immutable, Alias("otlpgrains.AnomalyEvent")]
public sealed record AnomalyEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Service,
    [property: Id(2)] string Signal,
    [property: Id(3)] string[] Signals,
    [property: Id(4)] double Score,
    [property: Id(5)] string Severity,
    [property: Id(6)] double Threshold,
    [property: Id(7)] DateTimeOffset WindowStart,
    [property: Id(8)] DateTimeOffset WindowEnd,
    [property: Id(9)] DateTimeOffset DetectedAt,
    [property: Id(10)] AnomalyModelRef Model)
{
    /// <summary>Event-time start of the anomaly's first window; the same for every window of one anomaly.</summary>
    [Id(11)] public DateTimeOffset Onset { get; init; }

    /// <summary>True when the window crossed no threshold itself but its anomaly's signals had not come back.</summary>
    [Id(12)] public bool Held { get; init; }

    /// <summary>For a <c>logs</c> event, the templates that drove it, strongest first; empty otherwise.</summary>
    [Id(13)] public LogTemplateRef[] Templates { get; init; } = [];

    /// <summary>The deterministic id of a window's event.</summary>
    public static string IdOf(string service, string signal, long windowStartUnixNano) => $"{service}/{signal}/{windowStartUnixNano}";
}
