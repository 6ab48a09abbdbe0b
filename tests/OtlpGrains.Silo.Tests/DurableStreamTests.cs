using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OtlpGrains.Interfaces;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>In durable mode the stream subscriptions live in PostgreSQL's grain storage, beside the grain state.</summary>
public sealed class DurableStreamTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task AnAnomalyEventReachesItsSubscriberAndTheSubscriptionIsStoredInPostgres()
    {
        var database = await postgres.CreateDatabaseAsync("streams");
        var silo = new SiloFixture(
        [
            "--OtlpGrains:Storage:Provider=postgres",
            $"--OtlpGrains:Storage:ConnectionString={database}",
            $"--OtlpGrains:Cluster:ClusterId=streams-{Guid.NewGuid():N}",
        ]);
        await silo.InitializeAsync();
        try
        {
            var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
            var subscriber = grains.GetGrain<IStreamProbeGrain>("subscriber");
            var publisher = grains.GetGrain<IStreamProbeGrain>("publisher");
            long before = await StoredStatesAsync(database);

            await subscriber.SubscribeAsync(StreamNames.Anomalies, "checkout");
            await publisher.PublishAsync(StreamNames.Anomalies, "checkout", "error ratio critical");

            var received = await SiloFixture.EventuallyAsync(() => subscriber.ReceivedAsync(), r => r.Length >= 1);
            Assert.Equal(["error ratio critical"], received);
            Assert.True(await StoredStatesAsync(database) > before, "the subscription should be written to orleans_storage");
        }
        finally
        {
            await silo.DisposeAsync();
        }
    }

    private static async Task<long> StoredStatesAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orleans_storage WHERE payload_binary IS NOT NULL", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
