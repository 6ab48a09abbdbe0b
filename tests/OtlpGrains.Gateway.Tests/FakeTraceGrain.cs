namespace OtlpGrains.Gateway.Tests;

/// <summary>What the gateway handed to one trace through its shard: span batches and error-log marks.</summary>
internal sealed class FakeTraceGrain
{
    public List<OtlpGrains.Interfaces.TraceSpanBatch> Batches { get; } = [];

    public int ErrorLogMarks { get; set; }
}
