using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// A metrics or logs export request split into one batch per service, plus what was rejected and how many accepted
/// items were cut to the carried limits (log bodies and attributes).
/// </summary>
internal sealed record SignalIngestPlan<TBatch>(
    KeyValuePair<string, TBatch>[] Services,
    int Accepted,
    int Rejected,
    string? RejectReason)
{
    public int Cut { get; init; }

    /// <summary>Logs: the trace ids of records with severity ERROR or worse, each once.</summary>
    public TraceKey[] ErrorTraces { get; init; } = [];
}
