using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using OtlpGrains.Grains.Anomalies;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Grains.Tests.Anomalies;

/// <summary>
/// Two silos as the silo host builds them (grains, model registry, memory streams with their <c>PubSubStore</c>),
/// scoring the span signal with registry model <see cref="Model"/>. The periodic registry refresh is set long, so a
/// switch within a test comes from the <c>models</c> stream.
/// </summary>
public sealed class ScoringClusterFixture : TwoSiloCluster<ScoringClusterFixture.SiloConfigurator>
{
    public const string Model = "red";

    public IModelRegistryGrain Registry => Grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.DefaultKey);

    /// <summary>The span lineup of every silo now.</summary>
    internal DetectionLineup[] Lineups() =>
        [.. Cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.ServiceProvider.GetRequiredService<ScoringModels>().LineupOf(WindowSignal.Spans))];

    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddOtlpGrainsMemoryStorage();
            siloBuilder.AddBoundedMemoryTraceStore();
            siloBuilder.AddOtlpGrains();
            siloBuilder.AddOtlpGrainsStreams();
            siloBuilder.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
            siloBuilder.Services.Configure<AnomalyOptions>(o =>
            {
                o.Model = Model;
                o.RefreshSeconds = 3600;
                o.ReportSeconds = 0.5;
            });
        }
    }
}

/// <summary>
/// Run alone, after the parallel collections: its thousand batches load the process, and in-process silos share
/// the process's statistics, which skews other collections' placement (StreamTests needs a grain on each silo).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScoringClusterCollection : ICollectionFixture<ScoringClusterFixture>
{
    public const string Name = "scoring-cluster";
}
