namespace OtlpGrains.Interfaces;

/// <summary>
/// One OTLP log record as the service grains take it: event time, severity number (0-24) and text, the body as
/// text (cut at <see cref="LogLimits.MaxBodyChars"/>), the trace and span it was written in (zero when absent), and
/// a bounded set of its attributes.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.LogLine")]
public readonly record struct LogLine(
    [property: Id(0)] long TimeUnixNano,
    [property: Id(1)] byte SeverityNumber)
{
    /// <summary>The body as text ("" for a record without one).</summary>
    [Id(2)] public string Body { get; init; } = "";

    /// <summary>The severity text as sent (INFO, Warning, ...), or null.</summary>
    [Id(3)] public string? SeverityText { get; init; }

    /// <summary>The high 64 bits of the trace id (big-endian), 0 with <see cref="TraceIdLow"/> when absent.</summary>
    [Id(4)] public ulong TraceIdHigh { get; init; }

    /// <summary>The low 64 bits of the trace id.</summary>
    [Id(5)] public ulong TraceIdLow { get; init; }

    /// <summary>The span id, 0 when absent.</summary>
    [Id(6)] public ulong SpanId { get; init; }

    /// <summary>Up to <see cref="LogLimits.MaxAttributes"/> of the record's attributes, values as text.</summary>
    [Id(7)] public LogField[]? Attributes { get; init; }

    /// <summary>True when the record names a trace.</summary>
    public bool HasTrace => (TraceIdHigh | TraceIdLow) != 0;
}

/// <summary>One attribute of a log record (a key and its value rendered as text).</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.LogField")]
public readonly record struct LogField(
    [property: Id(0)] string Key,
    [property: Id(1)] string Value);

/// <summary>What of a log record the gateway carries to the grains; the rest is cut and counted.</summary>
public static class LogLimits
{
    /// <summary>Body characters kept; a longer body is cut here (and counted). 8 KiB of text.</summary>
    public const int MaxBodyChars = 8192;

    /// <summary>Attributes kept per record, in the order sent.</summary>
    public const int MaxAttributes = 8;

    /// <summary>Characters kept of an attribute key or value.</summary>
    public const int MaxAttributeChars = 256;

    /// <summary>Characters kept of the severity text.</summary>
    public const int MaxSeverityTextChars = 32;
}
