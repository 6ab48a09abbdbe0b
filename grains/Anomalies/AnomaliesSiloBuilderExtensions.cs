using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.IsolationForest;
using OtlpGrains.Models.Detection.MlNet;
using OtlpGrains.Models.Detection.Torch;
using OtlpGrains.Models.Detection.WindowedGaussian;

namespace OtlpGrains.Grains.Anomalies;

/// <summary>What the service grains need on a silo to score their windows.</summary>
public static class AnomaliesSiloBuilderExtensions
{
    /// <summary>
    /// The anomaly options (validated at start), a codec for every detector kind (so that the registry takes and
    /// the silo loads any of them), the per-silo <see cref="ScoringModels"/> and <see cref="ModelScoreReporter"/>.
    /// </summary>
    public static ISiloBuilder AddAnomalyScoring(this ISiloBuilder silo)
    {
        var services = silo.Services;
        if (services.Any(d => d.ServiceType == typeof(ScoringModels)))
        {
            return silo; // added already: a second set of codecs would clash
        }

        services.AddOptions<AnomalyOptions>().BindConfiguration(AnomalyOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AnomalyOptions>, AnomalyOptionsValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelCodec, BaselineCodec>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelCodec, IsolationForestCodec>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelCodec, WindowedGaussianCodec>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelCodec, MlNetPcaCodec>());
        // Two kinds share the TorchSharp codec class, so they are added by instance (TryAddEnumerable would keep one).
        services.AddSingleton<IModelCodec>(new TorchSequenceCodec(TorchSequenceModel.LstmKind));
        services.AddSingleton<IModelCodec>(new TorchSequenceCodec(TorchSequenceModel.TransformerKind));
        services.TryAddSingleton<ScoringModels>();
        services.AddHostedService(sp => sp.GetRequiredService<ScoringModels>());
        services.TryAddSingleton<ModelScoreReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelScoreReporter>());
        return silo;
    }
}
