namespace OtlpGrains.Models.Services;

/// <summary>A service's metric points in one window of event time, keyed by the service's series ids.</summary>
[GenerateSerializer, Alias("otlpgrains.MetricWindowSet")]
internal sealed class MetricWindowSet
{
    [Id(0)]
    public readonly Dictionary<int, MetricWindowState> Series = [];
}
