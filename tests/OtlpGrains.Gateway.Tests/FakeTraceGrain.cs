using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Tests;

/// <summary>Records the batches and error-log marks the gateway hands to one trace.</summary>
internal sealed class FakeTraceGrain(FakeGrainFactory factory) : ITraceGrain
{
    public List<TraceSpanBatch> Batches { get; } = [];

    public ValueTask AddSpansAsync(TraceSpanBatch batch)
    {
        Batches.Add(batch);
        return factory.Call();
    }

    public int ErrorLogMarks { get; private set; }

    public ValueTask MarkErrorLogAsync()
    {
        ErrorLogMarks++;
        return factory.Call();
    }

    public ValueTask<TraceView?> GetKeptAsync() => throw new NotSupportedException();
}
