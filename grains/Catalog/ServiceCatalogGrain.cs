using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Catalog;

/// <summary>The set of known service names, kept in grain storage so a restarted activation still lists them.</summary>
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class ServiceCatalogGrain(
    [PersistentState("catalog", StorageNames.Services)] IPersistentState<ServiceCatalogState> state) : Grain, IServiceCatalogGrain
{
    private string[]? _sorted;

    public async ValueTask RegisterAsync(string service)
    {
        if (state.State.Services.Add(service))
        {
            _sorted = null;
            await state.WriteStateAsync();
        }
    }

    public ValueTask<string[]> GetServicesAsync()
    {
        _sorted ??= [.. state.State.Services.Order(StringComparer.Ordinal)];
        return ValueTask.FromResult(_sorted);
    }
}
