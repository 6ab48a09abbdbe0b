using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Services;

/// <summary>A metric series of a service: its name and data type.</summary>
[GenerateSerializer, Alias("otlpgrains.KnownSeries")]
internal sealed class KnownSeries
{
    public KnownSeries(string name, MetricKind kind)
    {
        Name = name;
        Kind = kind;
    }

    [Id(0)]
    public string Name { get; }

    /// <summary>From the latest point, should a producer change the type of a name.</summary>
    [Id(1)]
    public MetricKind Kind { get; set; }
}
