namespace OtlpGrains.Evaluate.Replay;

/// <summary>The OTLP signal of an export request.</summary>
internal enum OtlpSignal
{
    Traces,
    Logs,
    Metrics,
}

/// <summary>
/// One export request found in an OTLP/JSON file: where its bytes are (so that it can be read again when its turn
/// comes, instead of holding every request in memory), its signal, how many items it carries and its newest event time
/// (null when it has none).
/// </summary>
internal sealed record OtlpJsonEntry(string File, int Line, long Offset, int Length, OtlpSignal Signal, int Items, long? TimeUnixNano)
{
    /// <summary><c>file:line</c>, as errors name it.</summary>
    public string Where => $"{File}:{Line}";
}
