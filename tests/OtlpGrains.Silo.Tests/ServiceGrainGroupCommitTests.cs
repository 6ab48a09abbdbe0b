using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OtlpGrains.Interfaces;
using OtlpGrains.Silo.Storage;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// The service grain on a durable silo with group commit: the batches of one service in flight at once share a
/// flush, a retry of a batch in flight is answered only after its commit, and a failed flush counts none of its
/// batches while their retries count once.
/// </summary>
public sealed class ServiceGrainGroupCommitTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task BatchesOfOneServiceInFlightTogetherShareAFlushAndCountOnce()
    {
        var database = await postgres.CreateDatabaseAsync("pipeline");
        await using var silo = await DurableSiloAsync(database);
        var appender = silo.App.Services.GetRequiredService<GroupCommitAppender>();
        var name = $"pipe-{Guid.NewGuid():N}";
        var service = silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IServiceGrain>(name);
        var warmUp = Spans(2);
        await service.IngestSpansAsync(warmUp);
        long flushesBefore = appender.Flushes;

        var batches = Enumerable.Range(0, 16).Select(i => Spans(1 + (i % 3))).ToArray();
        Task first, retry;
        Task[] others;
        await using (var tableLock = await LogTableLock.TakeAsync(database))
        {
            first = service.IngestSpansAsync(batches[0]).AsTask();
            await tableLock.WaitUntilAnInsertWaitsAsync();
            others = [.. batches[1..].Select(batch => service.IngestSpansAsync(batch).AsTask())];
            await LogTableLock.WaitUntilAsync(() => appender.Queued == 15, "15 batches of one service queued behind its blocked flush");
            retry = service.IngestSpansAsync(batches[5]).AsTask(); // a sender's retry of a batch still in flight
            Assert.False(retry.IsCompleted);
        }

        await first;
        await Task.WhenAll(others);
        await retry;
        // At least the first batch's flush and one more: other grains of the silo may flush appends of their own meanwhile.
        Assert.True(appender.Flushes >= flushesBefore + 2, $"{appender.Flushes - flushesBefore} flushes");
        Assert.Equal(warmUp.Spans.Length + batches.Sum(batch => batch.Spans.Length), (await service.GetTotalsAsync()).Spans);

        var logged = await LoggedAsync(database, name);
        Assert.Equal(Enumerable.Range(1, 17).Select(i => (long)i), logged.Select(row => row.Sequence));
        Assert.Equal(
            [warmUp.BatchId, .. batches.Select(batch => batch.BatchId).Order()],
            [logged[0].BatchId, .. logged[1..].Select(row => row.BatchId).Order()]);

        // A flush is one statement, so one transaction: the first batch's flush, then the other 15 together.
        Assert.Equal(batches[0].BatchId, logged[1].BatchId);
        Assert.Single(logged[2..].Select(row => row.Transaction).Distinct());
        Assert.Equal(3, logged.Select(row => row.Transaction).Distinct().Count());
    }

    [Fact]
    public async Task AFailedFlushCountsNoneOfItsBatchesAndTheirRetriesCountOnce()
    {
        var database = await postgres.CreateDatabaseAsync("groupfail");
        await using var silo = await DurableSiloAsync(database);
        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        var appender = silo.App.Services.GetRequiredService<GroupCommitAppender>();
        var (healthyName, refusedName) = ($"ok-{Guid.NewGuid():N}", $"refused-{Guid.NewGuid():N}");
        var healthy = grains.GetGrain<IServiceGrain>(healthyName);
        var refused = grains.GetGrain<IServiceGrain>(refusedName);
        await ExecuteAsync(database, $"""
            CREATE FUNCTION refuse_service() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'service refused'; END $$;
            CREATE TRIGGER refuse_service BEFORE INSERT ON otlpgrains_service_batches
            FOR EACH ROW WHEN (NEW.service = '{refusedName}') EXECUTE FUNCTION refuse_service();
            """);

        var (committed, lost, other) = (Spans(3), Spans(5), Spans(7));
        Task first, inFailedGroup, otherInFailedGroup;
        await using (var tableLock = await LogTableLock.TakeAsync(database))
        {
            first = healthy.IngestSpansAsync(committed).AsTask();
            await tableLock.WaitUntilAnInsertWaitsAsync();
            inFailedGroup = healthy.IngestSpansAsync(lost).AsTask();
            otherInFailedGroup = refused.IngestSpansAsync(other).AsTask();
            await LogTableLock.WaitUntilAsync(() => appender.Queued == 2, "two batches of two services queued behind the blocked flush");
        }

        await first;
        await Assert.ThrowsAnyAsync<Exception>(() => inFailedGroup);
        await Assert.ThrowsAnyAsync<Exception>(() => otherInFailedGroup);
        Assert.Equal(3, (await healthy.GetTotalsAsync()).Spans); // the failed group's batch is not counted
        Assert.Equal(0, (await refused.GetTotalsAsync()).Spans);

        // The database takes the refused service again; the senders retry every batch, the acknowledged one too.
        await ExecuteAsync(database, "DROP TRIGGER refuse_service ON otlpgrains_service_batches");
        await healthy.IngestSpansAsync(committed);
        await healthy.IngestSpansAsync(lost);
        await refused.IngestSpansAsync(other);
        Assert.Equal(8, (await healthy.GetTotalsAsync()).Spans);
        Assert.Equal(7, (await refused.GetTotalsAsync()).Spans);
        Assert.Equal([committed.BatchId, lost.BatchId], (await LoggedAsync(database, healthyName)).Select(row => row.BatchId));
    }

    private static async Task<SiloFixture> DurableSiloAsync(string database)
    {
        var silo = new SiloFixture(
        [
            "--OtlpGrains:Storage:Provider=postgres",
            $"--OtlpGrains:Storage:ConnectionString={database}",
            $"--OtlpGrains:Cluster:ClusterId=gc-{Guid.NewGuid():N}",

            // One writer: while its flush waits for the test's table lock, every later append waits in the queue.
            "--OtlpGrains:Storage:BatchLog:Writers=1",
        ]);
        await silo.InitializeAsync();
        return silo;
    }

    private static ServiceSpanBatch Spans(int count) => GroupCommitAppenderTests.Batch(count).Spans!;

    // Each row with the transaction that inserted it (xmin).
    private static async Task<List<(long Sequence, Guid BatchId, string Transaction)>> LoggedAsync(string database, string service)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var command = dataSource.CreateCommand("SELECT sequence, batch_id, xmin::text FROM otlpgrains_service_batches WHERE service = $1 ORDER BY sequence");
        command.Parameters.Add(new NpgsqlParameter { Value = service });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(long, Guid, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2)));
        }

        return rows;
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
