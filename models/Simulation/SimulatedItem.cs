namespace OtlpGrains.Models.Simulation;

/// <summary>Something the simulated system emits, at the event time an SDK would export it.</summary>
public abstract record SimulatedItem(long TimeUnixNano, string Service, string Pod);

/// <summary>The OpenTelemetry span kinds the simulator uses.</summary>
public enum SimulatedSpanKind
{
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

/// <summary>A span attribute: a string or a 64-bit integer.</summary>
public readonly record struct SpanKeyValue(string Key, string? Text, long? Number = null)
{
    public static SpanKeyValue Of(string key, string text) => new(key, text);

    public static SpanKeyValue Of(string key, long number) => new(key, null, number);
}

/// <summary>
/// A finished span (exported at its end); ids are lowercase hex (32 digits for the trace, 16 for spans).
/// <see cref="LinkedSpanId"/> is a span of the same trace this one is linked to (a consumer to its producer).
/// </summary>
public sealed record SimulatedSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Service,
    string Pod,
    string Name,
    SimulatedSpanKind Kind,
    long StartUnixNano,
    long EndUnixNano,
    bool IsError,
    string? StatusMessage,
    IReadOnlyList<SpanKeyValue> Attributes,
    string? LinkedSpanId = null)
    : SimulatedItem(EndUnixNano, Service, Pod)
{
    public double DurationMs => (EndUnixNano - StartUnixNano) / 1e6;
}

/// <summary>A log record of a span: OTLP severity number and text, the body, and the trace and span ids.</summary>
public sealed record SimulatedLog(
    long Time, string Service, string Pod, int SeverityNumber, string SeverityText, string Body, string TraceId, string SpanId)
    : SimulatedItem(Time, Service, Pod);

/// <summary>One gauge point of one instance (CPU utilisation as a ratio, memory in bytes).</summary>
public sealed record SimulatedGauge(long Time, string Service, string Pod, string Name, string Unit, double Value)
    : SimulatedItem(Time, Service, Pod);
