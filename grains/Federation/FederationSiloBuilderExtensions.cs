using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OtlpGrains.Grains.Federation;

/// <summary>Registers federation on a silo: its options (validated at start), the peers' channels, the keeper of its grain.</summary>
public static class FederationSiloBuilderExtensions
{
    public static ISiloBuilder AddFederation(this ISiloBuilder silo)
    {
        var services = silo.Services;
        services.AddOptions<FederationOptions>().BindConfiguration(FederationOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FederationOptions>, FederationOptionsValidator>();
        services.AddSingleton<FederationInstruments>();
        services.AddSingleton<PeerChannels>();
        services.AddSingleton<PeerLinks>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, FederationKeeper>();
        return silo;
    }
}
