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
public sealed class ScoringClusterFixture : IAsyncLifetime
{
    public const string Model = "red";

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public IModelRegistryGrain Registry => Grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.DefaultKey);

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>The span lineup of every silo now.</summary>
    internal DetectionLineup[] Lineups() =>
        [.. Cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.ServiceProvider.GetRequiredService<ScoringModels>().LineupOf(WindowSignal.Spans))];

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddMemoryGrainStorage(StorageNames.Services);
            silo.AddMemoryGrainStorage(StorageNames.Models);
            silo.AddMemoryGrainStorage(StorageNames.Incidents);
            silo.AddMemoryGrainStorage(StorageNames.PubSub);
            silo.AddBoundedMemoryTraceStore();
            silo.AddOtlpGrains();
            silo.AddOtlpGrainsStreams();
            silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
            silo.Services.Configure<AnomalyOptions>(o =>
            {
                o.Model = Model;
                o.RefreshSeconds = 3600;
                o.ReportSeconds = 0.5;
            });
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder client) =>
            client.AddMemoryStreams(StreamNames.Provider);
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
