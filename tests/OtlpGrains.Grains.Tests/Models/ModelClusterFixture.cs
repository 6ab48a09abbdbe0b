using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using OtlpGrains.Grains.Models;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Grains.Tests.Models;

/// <summary>
/// A two-silo test cluster for the model registry: the grains as the silo host registers them, plus memory streams
/// (provider <c>streams</c> with its <c>PubSubStore</c>, on the silos and the test's client) and the test-only codec.
/// Kept apart from <see cref="ClusterFixture"/> for its small artifact limit.
/// </summary>
public sealed class ModelClusterFixture : TwoSiloCluster<ModelClusterFixture.SiloConfigurator>
{
    /// <summary>Artifacts above this are refused, so an oversize test need not ship 16 MiB.</summary>
    public const long MaxArtifactBytes = 64 * 1024;

    public IModelRegistryGrain Registry => Grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.DefaultKey);

    /// <summary>A model name no other test uses.</summary>
    public static string FreshName() => "m-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The model cache of each silo.</summary>
    public IEnumerable<ModelCache> Caches() =>
        Cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.ServiceProvider.GetRequiredService<ModelCache>());

    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddOtlpGrainsMemoryStorage();
            siloBuilder.AddOtlpGrainsStreams();
            siloBuilder.AddBoundedMemoryTraceStore();
            siloBuilder.AddOtlpGrains();
            siloBuilder.Services.AddSingleton<IModelCodec, TestConstantCodec>();

            // Grain state in Orleans' binary format, as the silo host stores it.
            siloBuilder.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
            siloBuilder.Services.Configure<ModelRegistryOptions>(o => o.MaxArtifactBytes = MaxArtifactBytes);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ModelClusterCollection : ICollectionFixture<ModelClusterFixture>
{
    public const string Name = "model-cluster";
}
