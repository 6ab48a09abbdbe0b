using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>A trace export request split into one batch per service and one per trace, plus what was rejected.</summary>
internal sealed record TraceIngestPlan(
    Guid BatchId,
    KeyValuePair<string, ServiceSpanBatch>[] Services,
    TraceSpanBatch[] Traces,
    int Accepted,
    int Rejected,
    string? RejectReason)
{
    /// <summary>
    /// The ends of requests that name their connection (node agents' CLIENT spans, and SERVER spans without a parent),
    /// grouped by join shard, for the join; the spans themselves are in the batches above like any other.
    /// </summary>
    public ShardHalves[] Halves { get; init; } = [];
}
