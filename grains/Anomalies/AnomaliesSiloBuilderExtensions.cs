using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OtlpGrains.Grains.Anomalies;

/// <summary>What the service grains need on a silo to score their windows.</summary>
public static class AnomaliesSiloBuilderExtensions
{
    /// <summary>
    /// The anomaly options (validated at start), the per-silo <see cref="ScoringModels"/> and
    /// <see cref="ModelScoreReporter"/>. The codec of every detector kind comes with the model registry.
    /// </summary>
    public static ISiloBuilder AddAnomalyScoring(this ISiloBuilder silo)
    {
        var services = silo.Services;
        if (services.Any(d => d.ServiceType == typeof(ScoringModels)))
        {
            return silo; // added already
        }

        services.AddOptions<AnomalyOptions>().BindConfiguration(AnomalyOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AnomalyOptions>, AnomalyOptionsValidator>();
        services.TryAddSingleton<ScoringModels>();
        services.AddHostedService(sp => sp.GetRequiredService<ScoringModels>());
        services.TryAddSingleton<ModelScoreReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelScoreReporter>());
        return silo;
    }
}
