using Microsoft.Extensions.Options;
using OtlpGrains.Grains.Federation;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Services;

namespace OtlpGrains.Grains.Catalog;

/// <summary>
/// The set of known service names, kept in grain storage so a restarted activation still lists them, and the gate
/// that new services pass under <see cref="ServiceLimitOptions"/>.
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class ServiceCatalogGrain(
    [PersistentState("catalog", StorageNames.Services)] IPersistentState<ServiceCatalogState> state,
    IOptions<ServiceLimitOptions> limits,
    IOptions<FederationOptions> federation) : Grain, IServiceCatalogGrain
{
    private readonly ServiceLimitOptions _limits = limits.Value;
    private string[]? _sorted;
    private ServiceQuota? _quota;

    public async ValueTask RegisterAsync(string service)
    {
        if (state.State.Services.Add(service))
        {
            _sorted = null;
            await state.WriteStateAsync();
            await ChangedAsync();
        }
    }

    public async ValueTask<string[]> AdmitAsync(string[] services, string key)
    {
        _quota ??= new ServiceQuota(state.State.Services, state.State.CreatedBy, _limits.MaxServices, _limits.MaxServicesPerKey);
        var (refused, added) = _quota.Admit(services, key);
        if (added)
        {
            _sorted = null;
            await state.WriteStateAsync();
            await ChangedAsync();
        }

        return refused;
    }

    // A new service is news for the federation's peers (one-way: the catalog never waits on federation).
    private async Task ChangedAsync()
    {
        if (federation.Value.On)
        {
            await GrainFactory.GetGrain<IFederationGrain>(IFederationGrain.DefaultKey).LocalChangedAsync();
        }
    }

    public ValueTask<string[]> GetServicesAsync()
    {
        _sorted ??= [.. state.State.Services.Order(StringComparer.Ordinal)];
        return ValueTask.FromResult(_sorted);
    }
}
