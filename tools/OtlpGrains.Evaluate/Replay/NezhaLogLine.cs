namespace OtlpGrains.Evaluate.Replay;

/// <summary>One row of a Nezha log file, with the text line taken out of its container-log JSON.</summary>
internal sealed record NezhaLogLine(
    long TimeUnixNano, string Pod, string TraceId, string SpanId, string Text, int SeverityNumber, string SeverityText)
{
    /// <summary>OTLP's ERROR and above.</summary>
    public const int ErrorSeverity = 17;

    public string Service { get; } = PodName.ServiceOf(Pod);
}
