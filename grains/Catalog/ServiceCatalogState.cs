namespace OtlpGrains.Grains.Catalog;

/// <summary>Stored state of the service catalog.</summary>
[GenerateSerializer, Alias("otlpgrains.ServiceCatalogState")]
public sealed class ServiceCatalogState
{
    [Id(0)]
    public HashSet<string> Services { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The API key (by name) that created each service admitted with a key; the per-key limit counts these.</summary>
    [Id(1)]
    public Dictionary<string, string> CreatedBy { get; set; } = new(StringComparer.Ordinal);
}
