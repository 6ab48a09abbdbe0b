using OtlpGrains.Grains.Traces;

namespace OtlpGrains.Silo.Storage;

/// <summary>Registers the durable kept-trace store, its writer and its pruning.</summary>
public static class KeptTraceServiceCollectionExtensions
{
    /// <summary>
    /// Kept traces in PostgreSQL, written in batches off the shards' turns and pruned by count and age on every silo.
    /// Needs the <c>NpgsqlDataSource</c> that the batch log registers.
    /// </summary>
    public static IServiceCollection AddPostgresKeptTraceStore(this IServiceCollection services)
    {
        services.AddSingleton<PostgresKeptTraceStore>();
        services.AddSingleton(sp => new KeptTraceWriter(
            sp.GetRequiredService<PostgresKeptTraceStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<ILogger<KeptTraceWriter>>()));
        services.AddSingleton<IKeptTraceStore>(sp => sp.GetRequiredService<KeptTraceWriter>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<KeptTraceWriter>());
        services.AddSingleton<KeptTracePruning>();
        services.AddHostedService(sp => sp.GetRequiredService<KeptTracePruning>());
        return services;
    }
}
