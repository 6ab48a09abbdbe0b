namespace OtlpGrains.Models.Services;

/// <summary>A service's outgoing calls in one window of event time, keyed by the service's callee ids.</summary>
[GenerateSerializer, Alias("otlpgrains.EdgeWindowSet")]
internal sealed class EdgeWindowSet
{
    [Id(0)]
    public readonly Dictionary<int, EdgeWindow> Callees = [];
}
