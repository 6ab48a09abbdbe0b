namespace OtlpGrains.Grains.Catalog;

/// <summary>Stored state of the service catalog.</summary>
[GenerateSerializer, Alias("otlpgrains.ServiceCatalogState")]
public sealed class ServiceCatalogState
{
    [Id(0)]
    public HashSet<string> Services { get; set; } = new(StringComparer.Ordinal);
}
