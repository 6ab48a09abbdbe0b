using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OtlpGrains.Models.Artifacts;

namespace OtlpGrains.Grains.Models;

/// <summary>What the model registry and the model cache need on a silo.</summary>
public static class ModelsSiloBuilderExtensions
{
    /// <summary>
    /// The registry's options (validated at start), the codecs of every detector kind this build ships
    /// (<see cref="DetectorCodecs"/>) plus any other <see cref="IModelCodec"/> singletons, and the per-silo
    /// <see cref="ModelCache"/>. The host adds grain storage <c>models</c>.
    /// </summary>
    public static ISiloBuilder AddModelRegistry(this ISiloBuilder silo)
    {
        var services = silo.Services;
        services.AddOptions<ModelRegistryOptions>().BindConfiguration(ModelRegistryOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ModelRegistryOptions>, ModelRegistryOptionsValidator>();
        services.TryAddSingleton(sp => new ModelCodecs(DetectorCodecs.Create().Concat(sp.GetServices<IModelCodec>())));
        services.TryAddSingleton<ModelCache>();
        return silo;
    }
}
