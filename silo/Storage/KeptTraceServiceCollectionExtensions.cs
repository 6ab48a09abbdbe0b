using Orleans.Storage;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Silo.Storage;

/// <summary>Registers the durable kept-trace store and its pruning.</summary>
public static class KeptTraceServiceCollectionExtensions
{
    /// <summary>
    /// Kept traces in PostgreSQL (the grain storage <see cref="StorageNames.KeptTraces"/>), pruned by count and age on
    /// every silo. Needs the <c>NpgsqlDataSource</c> that the batch log registers.
    /// </summary>
    public static IServiceCollection AddPostgresKeptTraceStore(this IServiceCollection services)
    {
        services.AddSingleton<PostgresKeptTraceStore>();
        services.AddKeyedSingleton<IGrainStorage>(StorageNames.KeptTraces, (sp, _) => sp.GetRequiredService<PostgresKeptTraceStore>());
        services.AddSingleton<KeptTracePruning>();
        services.AddHostedService(sp => sp.GetRequiredService<KeptTracePruning>());
        return services;
    }
}
