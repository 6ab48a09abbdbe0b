using Microsoft.Extensions.Options;
using OtlpGrains.Hosting;

namespace OtlpGrains.Silo.Storage;

/// <summary>
/// Runs before the silo starts (it is registered first): reaches the database, applies the schema unless that is
/// turned off, and otherwise checks it, so that a bad database ends start-up with one line naming the problem
/// instead of a silo retrying its membership table forever.
/// </summary>
internal sealed class PostgresStartupCheck(IOptions<StorageOptions> options, ILogger<PostgresStartupCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var storage = options.Value;
        if (!storage.IsPostgres)
        {
            return;
        }

        var connectionString = storage.ConnectionString!;
        if (!storage.ApplySchema)
        {
            if (await PostgresSchema.FindProblemAsync(connectionString, cancellationToken) is { } problem)
            {
                throw new StartupException(problem);
            }

            return;
        }

        try
        {
            await PostgresSchema.ApplyAsync(connectionString, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // FindProblemAsync turns an unreachable server, a refused login or a missing database into one line.
            var problem = await PostgresSchema.FindProblemAsync(connectionString, cancellationToken);
            throw new StartupException(problem ?? $"could not apply the PostgreSQL schema: {exception.Message}", exception);
        }

        logger.LogInformation("Storage    PostgreSQL schema at version {Version}", PostgresSchema.LatestVersion);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
