using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Grains.Services;

/// <summary>Everything a service keeps for one window of event time. Keys are the service's own ids.</summary>
[GenerateSerializer, Alias("otlpgrains.ServiceWindow")]
internal sealed class ServiceWindow
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

    [Id(5)]
    public readonly Dictionary<int, EdgeWindow> Edges = [];

    [Id(6)]
    public readonly Dictionary<int, MetricWindowState> Metrics = [];

    /// <summary>Indexed as <see cref="LogSeverity.Names"/>.</summary>
    [Id(7)]
    public readonly long[] LogsBySeverity = new long[LogSeverity.Names.Count];
}
