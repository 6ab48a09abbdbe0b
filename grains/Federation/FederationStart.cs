using Microsoft.Extensions.Options;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Federation;

/// <summary>
/// Activates the federation grain once the silo is active, when peers are set, so that pulls begin without waiting for
/// a first query. Every silo does it; the grain is one per cluster either way.
/// </summary>
internal sealed class FederationStart(IGrainFactory grains, IOptions<FederationOptions> options) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(FederationStart), ServiceLifecycleStage.Active, StartAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.On)
        {
            await grains.GetGrain<IFederationGrain>(IFederationGrain.DefaultKey).StartAsync().AsTask().WaitAsync(cancellationToken);
        }
    }
}
