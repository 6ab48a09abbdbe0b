using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Serialization;
using OtlpGrains.Grains.Services;
using OtlpGrains.Interfaces;
using OtlpGrains.Silo.Storage;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// The silo's group commit on a real PostgreSQL. To know which appends share a flush, a test holds a lock on the log
/// table from another connection: the writer's flush in progress then waits in the database (seen in
/// <c>pg_locks</c>) while the next appends gather in the queue, and they go together once the lock is released.
/// </summary>
public sealed class GroupCommitAppenderTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task ConcurrentAppendsOfManyServicesShareOneFlush()
    {
        await using var log = await LogAsync(new BatchLogOptions { Writers = 1, MaxAppendsPerFlush = 256 });
        Task<bool> blocker;
        var appends = new List<Task<bool>>();
        await using (var tableLock = await LogTableLock.TakeAsync(log.Database))
        {
            blocker = log.Appender.AppendAsync("blocker", 1, Batch(1), 0, CancellationToken.None);
            await tableLock.WaitUntilAnInsertWaitsAsync();
            for (var sequence = 1; sequence <= 10; sequence++)
            {
                for (var service = 0; service < 20; service++)
                {
                    appends.Add(log.Appender.AppendAsync($"svc-{service:00}", sequence, Batch(3), 0, CancellationToken.None));
                }
            }

            await LogTableLock.WaitUntilAsync(() => log.Appender.Queued == 200, "200 appends queued behind the blocked flush");
        }

        Assert.True(await blocker);
        Assert.All(await Task.WhenAll(appends), Assert.True);
        Assert.Equal(2, log.Appender.Flushes); // the blocker's, then all 200 in one round trip
        Assert.Equal(201, log.Appender.FlushedAppends);
        Assert.Equal(201L, await log.ScalarAsync("SELECT count(*) FROM otlpgrains_service_batches"));
        Assert.Equal(10L, await log.ScalarAsync("SELECT count(*) FROM otlpgrains_service_batches WHERE service = 'svc-07'"));
    }

    [Fact]
    public async Task DuplicatesAreAnsweredAsDuplicatesInsideOneFlushAndAcrossFlushes()
    {
        await using var log = await LogAsync(new BatchLogOptions { Writers = 1 });
        var first = Batch(2);
        var second = Batch(4);
        Assert.True(await log.Appender.AppendAsync("checkout", 1, first, 0, CancellationToken.None));

        Task<bool> retriedFirst, newSecond, retriedSecond, firstElsewhere;
        await using (var tableLock = await LogTableLock.TakeAsync(log.Database))
        {
            var blocker = log.Appender.AppendAsync("blocker", 1, Batch(1), 0, CancellationToken.None);
            await tableLock.WaitUntilAnInsertWaitsAsync();
            retriedFirst = log.Appender.AppendAsync("checkout", 2, first, 0, CancellationToken.None);   // logged by the earlier flush
            newSecond = log.Appender.AppendAsync("checkout", 3, second, 0, CancellationToken.None);
            retriedSecond = log.Appender.AppendAsync("checkout", 4, second, 0, CancellationToken.None); // logged earlier in this flush
            firstElsewhere = log.Appender.AppendAsync("cart", 1, first, 0, CancellationToken.None);    // batch ids are per service
            await LogTableLock.WaitUntilAsync(() => log.Appender.Queued == 4, "4 appends queued behind the blocked flush");
        }

        Assert.False(await retriedFirst);
        Assert.True(await newSecond);
        Assert.False(await retriedSecond);
        Assert.True(await firstElsewhere);
        Assert.Equal(3, log.Appender.Flushes);
        var checkout = await log.Log.ReadAfterAsync("checkout", 0, 10, 0, CancellationToken.None);
        Assert.Equal([1L, 3L], checkout.Select(row => row.Sequence)); // a duplicate leaves its number unused: a gap
        Assert.Equal([first.BatchId, second.BatchId], checkout.Select(row => row.Batch.BatchId));
        Assert.Equal(4, checkout[1].Batch.Spans!.Spans.Length);
    }

    [Fact]
    public async Task AFailingStatementFailsTheWholeGroupAndCommitsNothing()
    {
        await using var log = await LogAsync(new BatchLogOptions { Writers = 1 });
        // A database that refuses one row of the group: the row of service 'poison'.
        await log.ExecuteAsync("""
            CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'poison refused'; END $$;
            CREATE TRIGGER refuse_poison BEFORE INSERT ON otlpgrains_service_batches
            FOR EACH ROW WHEN (NEW.service = 'poison') EXECUTE FUNCTION refuse_poison();
            """);
        var good = Enumerable.Range(0, 20).Select(i => (Service: $"svc-{i:00}", Batch: Batch(2))).ToArray();
        var group = new List<Task<bool>>();
        await using (var tableLock = await LogTableLock.TakeAsync(log.Database))
        {
            var blocker = log.Appender.AppendAsync("blocker", 1, Batch(1), 0, CancellationToken.None);
            await tableLock.WaitUntilAnInsertWaitsAsync();
            group.AddRange(good.Select(g => log.Appender.AppendAsync(g.Service, 1, g.Batch, 0, CancellationToken.None)));
            group.Add(log.Appender.AppendAsync("poison", 1, Batch(1), 0, CancellationToken.None));
            await LogTableLock.WaitUntilAsync(() => log.Appender.Queued == 21, "21 appends queued behind the blocked flush");
        }

        foreach (var append in group)
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => append);
            Assert.Contains("poison refused", refused.MessageText, StringComparison.Ordinal);
        }

        Assert.Equal(1, log.Appender.FailedFlushes);
        Assert.Equal(0L, await log.ScalarAsync("SELECT count(*) FROM otlpgrains_service_batches WHERE service <> 'blocker'"));

        // The senders' retries of the good batches are new to the log: nothing of the failed group was committed.
        Assert.All(await Task.WhenAll(good.Select(g => log.Appender.AppendAsync(g.Service, 1, g.Batch, 0, CancellationToken.None))), Assert.True);
    }

    [Fact]
    public async Task ALostConnectionFailsItsGroupAndTheNextFlushReconnects()
    {
        await using var log = await LogAsync(new BatchLogOptions { Writers = 1 });
        var lost = Batch(2);
        Task<bool> append;
        await using (var tableLock = await LogTableLock.TakeAsync(log.Database))
        {
            append = log.Appender.AppendAsync("checkout", 1, lost, 0, CancellationToken.None);
            await tableLock.WaitUntilAnInsertWaitsAsync();
            await log.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()");
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => append);
        }

        Assert.True(await log.Appender.AppendAsync("checkout", 1, lost, 0, CancellationToken.None));
        Assert.Equal(1, log.Appender.FailedFlushes);
    }

    [Fact]
    public async Task AFullQueueMakesAppendsWaitAndACancelledWaitLogsNothing()
    {
        await using var log = await LogAsync(new BatchLogOptions { Writers = 1, QueueCapacity = 2 });
        var abandoned = Batch(1);
        using var giveUp = new CancellationTokenSource();
        Task<bool> blocker, waiting, cancelled;
        Task<bool>[] queued;
        await using (var tableLock = await LogTableLock.TakeAsync(log.Database))
        {
            blocker = log.Appender.AppendAsync("svc", 1, Batch(1), 0, CancellationToken.None);
            await tableLock.WaitUntilAnInsertWaitsAsync();
            queued = [log.Appender.AppendAsync("svc", 2, Batch(1), 0, CancellationToken.None), log.Appender.AppendAsync("svc", 3, Batch(1), 0, CancellationToken.None)];
            await LogTableLock.WaitUntilAsync(() => log.Appender.Queued == 2, "the queue full");

            cancelled = log.Appender.AppendAsync("svc", 4, abandoned, 0, giveUp.Token);
            waiting = log.Appender.AppendAsync("svc", 5, Batch(1), 0, CancellationToken.None);
            Assert.False(cancelled.IsCompleted); // no room: waiting, not refused
            Assert.False(waiting.IsCompleted);
            await giveUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
            Assert.False(waiting.IsCompleted);
        }

        Assert.True(await blocker);
        Assert.All(await Task.WhenAll(queued), Assert.True);
        Assert.True(await waiting);
        var rows = await log.Log.ReadAfterAsync("svc", 0, 10, 0, CancellationToken.None);
        Assert.Equal([1L, 2L, 3L, 5L], rows.Select(row => row.Sequence));
        Assert.DoesNotContain(abandoned.BatchId, rows.Select(row => row.Batch.BatchId));
    }

    private async Task<LogUnderTest> LogAsync(BatchLogOptions options)
    {
        var database = await postgres.CreateDatabaseAsync("groupcommit");
        await PostgresSchema.ApplyAsync(database, CancellationToken.None);
        var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var dataSource = NpgsqlDataSource.Create(database);
        var serializer = services.GetRequiredService<Serializer>();
        var appender = new GroupCommitAppender(dataSource, serializer, Options.Create(options), NullLogger<GroupCommitAppender>.Instance);
        return new LogUnderTest(database, services, dataSource, appender, new PostgresServiceBatchLog(dataSource, serializer, appender));
    }

    internal static LoggedBatch Batch(int spans)
    {
        var id = Guid.NewGuid();
        var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        var batch = new ServiceSpanBatch(id, ["GET /"], [.. Enumerable.Range(0, spans).Select(i => new ServiceSpan(now, 1_000_000 + i, 0, SpanKindCode.Server, SpanRole.Request))]);
        return new LoggedBatch(id, batch, null, null);
    }

    private sealed record LogUnderTest(string Database, ServiceProvider Services, NpgsqlDataSource DataSource, GroupCommitAppender Appender, PostgresServiceBatchLog Log) : IAsyncDisposable
    {
        public async Task<long> ScalarAsync(string sql)
        {
            await using var command = DataSource.CreateCommand(sql);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        public async Task ExecuteAsync(string sql)
        {
            await using var command = DataSource.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await Appender.DisposeAsync();
            await DataSource.DisposeAsync();
            await Services.DisposeAsync();
        }
    }
}
