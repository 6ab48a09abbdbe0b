using Npgsql;
using Orleans.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OtlpGrains.Grains.Services;
using OtlpGrains.Interfaces;
using OtlpGrains.Silo.Storage;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>The per-service batch log on a real PostgreSQL: numbering, retries recognised, replay order, pruning, fencing.</summary>
public sealed class PostgresServiceBatchLogTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task AppendsReadsRecognisesRetriesAndPrunes()
    {
        var database = await postgres.CreateDatabaseAsync("batchlog");
        await PostgresSchema.ApplyAsync(database, CancellationToken.None);
        await using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        await using var dataSource = NpgsqlDataSource.Create(database);
        var serializer = services.GetRequiredService<Serializer>();
        await using var appender = new GroupCommitAppender(dataSource, serializer, Options.Create(new BatchLogOptions()), NullLogger<GroupCommitAppender>.Instance);
        var log = new PostgresServiceBatchLog(dataSource, serializer, appender);

        var first = Batch(3);
        var second = Batch(5);
        Assert.True(await log.AppendAsync("checkout", 1, first, 0, CancellationToken.None));
        Assert.True(await log.AppendAsync("checkout", 2, second, 0, CancellationToken.None));
        Assert.True(await log.AppendAsync("cart", 1, first, 0, CancellationToken.None)); // ids are per service

        // A retry of a logged batch (same content id) is recognised, whatever number it is offered under.
        Assert.False(await log.AppendAsync("checkout", 3, first, 0, CancellationToken.None));
        // Two batches can never share a number: the caller learns its numbering is stale.
        await Assert.ThrowsAsync<PostgresException>(() => log.AppendAsync("checkout", 2, Batch(1), 0, CancellationToken.None));

        var replay = await log.ReadAfterAsync("checkout", 0, 10, 0, CancellationToken.None);
        Assert.Equal([1L, 2L], replay.Select(r => r.Sequence));
        Assert.Equal(second.BatchId, replay[1].Batch.BatchId);
        Assert.Equal(5, replay[1].Batch.Spans!.Spans.Length);
        Assert.Single(await log.ReadAfterAsync("checkout", 1, 10, 0, CancellationToken.None));

        // Pruning keeps batches younger than the retry window, then removes those a checkpoint includes.
        Assert.Equal(0, await log.PruneAsync("checkout", 2, TimeSpan.FromMinutes(10), CancellationToken.None));
        Assert.Equal(1, await log.PruneAsync("checkout", 1, TimeSpan.Zero, CancellationToken.None));
        Assert.Equal([2L], (await log.ReadAfterAsync("checkout", 0, 10, 0, CancellationToken.None)).Select(r => r.Sequence));
        Assert.Single(await log.ReadAfterAsync("cart", 0, 10, 0, CancellationToken.None));
    }

    [Fact]
    public async Task AFenceRefusesTheOlderEpochsAppendsAndReadsAndNothingElse()
    {
        var database = await postgres.CreateDatabaseAsync("fence");
        await PostgresSchema.ApplyAsync(database, CancellationToken.None);
        await using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        await using var dataSource = NpgsqlDataSource.Create(database);
        var serializer = services.GetRequiredService<Serializer>();
        await using var appender = new GroupCommitAppender(dataSource, serializer, Options.Create(new BatchLogOptions { Writers = 1 }), NullLogger<GroupCommitAppender>.Instance);
        var log = new PostgresServiceBatchLog(dataSource, serializer, appender);

        long older = await log.FenceAsync("checkout", CancellationToken.None);
        Assert.Equal(1, older);
        Assert.True(await log.AppendAsync("checkout", 1, Batch(1), older, CancellationToken.None));
        long newer = await log.FenceAsync("checkout", CancellationToken.None);
        Assert.Equal(2, newer);
        Assert.Equal(1, await log.FenceAsync("cart", CancellationToken.None)); // epochs are per service

        // One group: the older epoch's append fails alone (even for a batch id the log holds: never "logged before"),
        // the newer epoch's and another service's are committed.
        var logged = (await log.ReadAfterAsync("checkout", 0, 10, newer, CancellationToken.None))[0].Batch;
        Task<bool> blocker, stale, staleRetry, current, elsewhere;
        await using (var held = await LogTableLock.TakeAsync(database))
        {
            blocker = log.AppendAsync("cart", 1, Batch(1), 1, CancellationToken.None);
            await held.WaitUntilAnInsertWaitsAsync();
            stale = log.AppendAsync("checkout", 2, Batch(1), older, CancellationToken.None);
            staleRetry = log.AppendAsync("checkout", 3, logged, older, CancellationToken.None);
            current = log.AppendAsync("checkout", 4, Batch(2), newer, CancellationToken.None);
            elsewhere = log.AppendAsync("cart", 2, Batch(1), 1, CancellationToken.None);
            await LogTableLock.WaitUntilAsync(() => appender.Queued == 4, "4 appends queued behind the blocked flush");
        }

        Assert.True(await blocker);

        await Assert.ThrowsAsync<LogFencedException>(() => stale);
        await Assert.ThrowsAsync<LogFencedException>(() => staleRetry);
        Assert.True(await current);
        Assert.True(await elsewhere);
        Assert.Equal([1L, 4L], (await log.ReadAfterAsync("checkout", 0, 10, newer, CancellationToken.None)).Select(r => r.Sequence));

        // A replay under the older epoch is refused too, also when there is nothing left to read.
        await Assert.ThrowsAsync<LogFencedException>(() => log.ReadAfterAsync("checkout", 0, 10, older, CancellationToken.None));
        await Assert.ThrowsAsync<LogFencedException>(() => log.ReadAfterAsync("checkout", 4, 10, older, CancellationToken.None));
    }

    private static LoggedBatch Batch(int spans)
    {
        var id = Guid.NewGuid();
        var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        var batch = new ServiceSpanBatch(id, ["GET /"], [.. Enumerable.Range(0, spans).Select(i => new ServiceSpan(now, 1_000_000 + i, 0, SpanKindCode.Server, SpanRole.Request))]);
        return new LoggedBatch(id, batch, null, null);
    }
}
