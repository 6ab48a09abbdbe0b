using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>One operation (span name) of a service in one window, or merged over a range.</summary>
[GenerateSerializer, Alias("otlpgrains.OperationWindow")]
internal sealed class OperationWindow
{
    [Id(0)]
    public long Spans;

    [Id(1)]
    public long Requests;

    [Id(2)]
    public long Errors;

    /// <summary>Latency of all the operation's spans, requests or not.</summary>
    [Id(3)]
    public readonly LatencyHistogram Latency = new();

    public void Merge(OperationWindow other)
    {
        Spans += other.Spans;
        Requests += other.Requests;
        Errors += other.Errors;
        Latency.Merge(other.Latency);
    }
}
