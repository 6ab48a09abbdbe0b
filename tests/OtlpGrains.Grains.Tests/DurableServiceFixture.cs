using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using OtlpGrains.Grains.Services;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Services;

namespace OtlpGrains.Grains.Tests;

/// <summary>
/// A one-silo test cluster whose service grains run the durable path (log, checkpoint, replay) on process-wide
/// test doubles, with a sink that records the closed windows.
/// </summary>
public sealed class DurableServiceFixture : OneSiloCluster<DurableServiceFixture.SiloConfigurator>
{
    /// <summary>The grains on the durable test doubles, as this fixture's silo has them.</summary>
    internal static void AddDurableGrains(ISiloBuilder silo)
    {
        // Registered before AddOtlpGrains, which only adds its defaults where nothing is registered.
        silo.Services.AddSingleton<IServiceBatchLog, FlakyBatchLog>();
        silo.Services.AddSingleton<IServiceWindowStore, SharedWindowStore>();
        silo.Services.AddSingleton<IWindowCloseSink, RecordingWindowCloseSink>();
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Services, (sp, _) => new FreezableGrainStorage(sp.GetRequiredService<Serializer>()));
        silo.UseInMemoryReminderService();
        silo.AddBoundedMemoryTraceStore();
        silo.AddOtlpGrains();

        // Checkpoints only when the test makes the grain deactivate (or a signal idles, after 30 s).
        silo.Services.Configure<ServiceWindowOptions>(o => o.CheckpointSeconds = 3600);
    }

    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => AddDurableGrains(siloBuilder);
    }
}
