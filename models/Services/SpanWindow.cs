using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>A service's spans in one window of event time; operations are keyed by the service's operation ids.</summary>
[GenerateSerializer, Alias("otlpgrains.SpanWindow")]
internal sealed class SpanWindow
{
    [Id(0)]
    public long Spans;

    [Id(1)]
    public long Requests;

    [Id(2)]
    public long Errors;

    [Id(3)]
    public readonly LatencyHistogram RequestLatency = new();

    [Id(4)]
    public readonly Dictionary<int, OperationWindow> Operations = [];
}
