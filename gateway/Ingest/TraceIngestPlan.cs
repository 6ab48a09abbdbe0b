using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>A trace export request split into one batch per service and one per trace, plus what was rejected.</summary>
internal sealed record TraceIngestPlan(
    Guid BatchId,
    KeyValuePair<string, ServiceSpanBatch>[] Services,
    TraceSpanBatch[] Traces,
    int Accepted,
    int Rejected,
    string? RejectReason);
