using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>A trace export request split into one batch per service and one per trace, plus what was rejected.</summary>
internal sealed record TraceIngestPlan(
    KeyValuePair<string, ServiceSpanBatch>[] Services,
    KeyValuePair<string, TraceSpanBatch>[] Traces,
    int Accepted,
    int Rejected,
    string? RejectReason);
