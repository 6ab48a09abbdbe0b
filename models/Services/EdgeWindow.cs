using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>Calls along one outgoing edge in one window.</summary>
[GenerateSerializer, Alias("otlpgrains.EdgeWindow")]
internal sealed class EdgeWindow
{
    [Id(0)]
    public long Calls;

    [Id(1)]
    public long Errors;

    /// <summary>Latency of the client side of the calls.</summary>
    [Id(2)]
    public readonly LatencyHistogram Latency = new();
}
