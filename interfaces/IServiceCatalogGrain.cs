namespace OtlpGrains.Interfaces;

/// <summary>
/// The set of known services, so that the query API can list them. A single activation keyed
/// <see cref="DefaultKey"/>; each service grain registers once when it is first activated.
/// </summary>
[Alias("otlpgrains.IServiceCatalogGrain")]
public interface IServiceCatalogGrain : IGrainWithStringKey
{
    /// <summary>The key of the one catalog.</summary>
    public const string DefaultKey = "default";

    /// <summary>Adds a service name; adding a known name again changes nothing.</summary>
    [Alias("Register")]
    ValueTask RegisterAsync(string service);

    /// <summary>
    /// Admits services before any of their grains is called: known ones always, new ones while the cluster's service
    /// limit and the limit of the API key <paramref name="key"/> (its name; empty without a key) allow. Returns the
    /// names refused, empty when all are admitted.
    /// </summary>
    [Alias("Admit")]
    ValueTask<string[]> AdmitAsync(string[] services, string key);

    /// <summary>All known service names, sorted.</summary>
    [Alias("GetServices")]
    ValueTask<string[]> GetServicesAsync();
}
