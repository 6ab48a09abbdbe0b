using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using OtlpGrains.Grains.Services;

namespace OtlpGrains.Silo.Storage;

/// <summary>Registers the durable batch log and its group commit.</summary>
public static class BatchLogServiceCollectionExtensions
{
    /// <summary>
    /// The batch log in PostgreSQL at <paramref name="connectionString"/>, its silo-wide appender and the
    /// <see cref="BatchLogOptions"/> (validated at start).
    /// </summary>
    public static IServiceCollection AddPostgresBatchLog(this IServiceCollection services, string connectionString)
    {
        services.AddOptions<BatchLogOptions>().BindConfiguration(BatchLogOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BatchLogOptions>, BatchLogOptionsValidator>();
        services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.AddSingleton<GroupCommitAppender>();
        services.AddSingleton<IServiceBatchLog, PostgresServiceBatchLog>();
        return services;
    }
}
