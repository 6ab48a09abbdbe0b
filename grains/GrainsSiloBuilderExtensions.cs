using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;
using OtlpGrains.Grains.Anomalies;
using OtlpGrains.Grains.Catalog;
using OtlpGrains.Grains.Federation;
using OtlpGrains.Grains.Joins;
using OtlpGrains.Grains.Models;
using OtlpGrains.Grains.Services;
using OtlpGrains.Models.Services;
using OtlpGrains.Grains.Storage;
using OtlpGrains.Interfaces;
using OtlpGrains.Grains.Traces;
using OtlpGrains.Grains.Workloads;

namespace OtlpGrains.Grains;

/// <summary>Registers what the grains need on a silo: their options (validated at start) and per-silo helpers.</summary>
public static class GrainsSiloBuilderExtensions
{
    public static ISiloBuilder AddOtlpGrains(this ISiloBuilder silo)
    {
        var services = silo.Services;
        services.AddOptions<ServiceWindowOptions>().BindConfiguration(ServiceWindowOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServiceWindowOptions>, ServiceWindowOptionsValidator>();
        services.AddOptions<TraceOptions>().BindConfiguration(TraceOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TraceOptions>, TraceOptionsValidator>();
        services.AddOptions<ServiceLimitOptions>().BindConfiguration(ServiceLimitOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServiceLimitOptions>, ServiceLimitOptionsValidator>();
        services.AddOptions<JoinOptions>().BindConfiguration(JoinOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JoinOptions>, JoinOptionsValidator>();
        services.AddOptions<WorkloadOptions>().BindConfiguration(WorkloadOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkloadOptions>, WorkloadOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<GrainInstruments>();
        services.TryAddSingleton<IServiceBatchLog, InMemoryOnlyBatchLog>();
        services.TryAddSingleton<IServiceWindowStore, InMemoryServiceWindowStore>();
        services.TryAddSingleton<IWindowCloseSink, IgnoredWindowCloseSink>();
        services.AddSingleton(sp => new TailSampler(sp.GetRequiredService<IOptions<TraceOptions>>().Value, Random.Shared));
        services.AddSingleton<OperationP99Cache>();
        services.AddSingleton<EdgeCallBuffer>();
        services.AddHostedService(sp => sp.GetRequiredService<EdgeCallBuffer>());
        services.AddSingleton<WorkloadNameCache>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkloadNameCache>());
        services.AddSingleton<ActivePeers>();
        services.AddSingleton<LocalTraceShards>();
        services.AddSingleton<TraceStop>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<TraceStop>());
        silo.AddModelRegistry();
        silo.AddAnomalyScoring();
        silo.AddFederation();
        return silo;
    }

    /// <summary>Every grain storage of <see cref="StorageNames.Hosted"/>, in the silo's memory.</summary>
    public static ISiloBuilder AddOtlpGrainsMemoryStorage(this ISiloBuilder silo)
    {
        foreach (string name in StorageNames.Hosted)
        {
            silo.AddMemoryGrainStorage(name);
        }

        return silo;
    }

    /// <summary>
    /// The stream provider <see cref="StreamNames.Provider"/>: memory streams, whose subscriptions live in the grain
    /// storage <see cref="StorageNames.PubSub"/> that the host registers (memory, or PostgreSQL in durable mode).
    /// Events are delivered while the silos involved live; those queued on a silo that dies are lost.
    /// </summary>
    public static ISiloBuilder AddOtlpGrainsStreams(this ISiloBuilder silo)
    {
        silo.AddMemoryStreams(StreamNames.Provider);
        return silo;
    }

    /// <summary>
    /// Keeps the traces tail sampling keeps in memory, bounded by <see cref="TraceOptions.MaxKeptTraces"/> (oldest
    /// evicted first).
    /// </summary>
    public static ISiloBuilder AddBoundedMemoryTraceStore(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<IKeptTraceStore>(sp => new MemoryKeptTraceStore(
            sp.GetRequiredService<IOptions<TraceOptions>>().Value.MaxKeptTraces,
            sp.GetRequiredService<IGrainFactory>(),
            sp.GetRequiredService<Serializer>()));
        return silo;
    }
}
