namespace OtlpGrains.Gateway.Tests;

/// <summary>What the gateway handed to one trace through its shard: span batches and error-log marks.</summary>
internal sealed class FakeTraceGrain
{
    public List<OtlpGrains.Interfaces.TraceSpanBatch> Batches { get; } = [];

    /// <summary>The request batch id of each of <see cref="Batches"/>, from the shard batch that carried it.</summary>
    public List<Guid> BatchIds { get; } = [];

    public int ErrorLogMarks { get; set; }
}
