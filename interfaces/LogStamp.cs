namespace OtlpGrains.Interfaces;

/// <summary>One log record reduced to its event time and OTLP severity number (0-24).</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.LogStamp")]
public readonly record struct LogStamp(
    [property: Id(0)] long TimeUnixNano,
    [property: Id(1)] byte SeverityNumber);
