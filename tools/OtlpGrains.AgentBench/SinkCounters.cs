namespace OtlpGrains.AgentBench;

/// <summary>What the <see cref="OtlpSink"/> received.</summary>
internal sealed class SinkCounters
{
    private long _spans;
    private long _metrics;

    public long Spans => Interlocked.Read(ref _spans);

    public long Metrics => Interlocked.Read(ref _metrics);

    public void AddSpans(long count) => Interlocked.Add(ref _spans, count);

    public void AddMetrics(long count) => Interlocked.Add(ref _metrics, count);
}
