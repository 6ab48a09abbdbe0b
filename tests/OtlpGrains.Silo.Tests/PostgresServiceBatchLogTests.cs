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

/// <summary>The per-service batch log on a real PostgreSQL: numbering, retries recognised, replay order, pruning.</summary>
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
        Assert.True(await log.AppendAsync("checkout", 1, first, CancellationToken.None));
        Assert.True(await log.AppendAsync("checkout", 2, second, CancellationToken.None));
        Assert.True(await log.AppendAsync("cart", 1, first, CancellationToken.None)); // ids are per service

        // A retry of a logged batch (same content id) is recognised, whatever number it is offered under.
        Assert.False(await log.AppendAsync("checkout", 3, first, CancellationToken.None));
        // Two batches can never share a number: the caller learns its numbering is stale.
        await Assert.ThrowsAsync<PostgresException>(() => log.AppendAsync("checkout", 2, Batch(1), CancellationToken.None));

        var replay = await log.ReadAfterAsync("checkout", 0, 10, CancellationToken.None);
        Assert.Equal([1L, 2L], replay.Select(r => r.Sequence));
        Assert.Equal(second.BatchId, replay[1].Batch.BatchId);
        Assert.Equal(5, replay[1].Batch.Spans!.Spans.Length);
        Assert.Single(await log.ReadAfterAsync("checkout", 1, 10, CancellationToken.None));

        // Pruning keeps batches younger than the retry window, then removes those a checkpoint includes.
        Assert.Equal(0, await log.PruneAsync("checkout", 2, TimeSpan.FromMinutes(10), CancellationToken.None));
        Assert.Equal(1, await log.PruneAsync("checkout", 1, TimeSpan.Zero, CancellationToken.None));
        Assert.Equal([2L], (await log.ReadAfterAsync("checkout", 0, 10, CancellationToken.None)).Select(r => r.Sequence));
        Assert.Single(await log.ReadAfterAsync("cart", 0, 10, CancellationToken.None));
    }

    private static LoggedBatch Batch(int spans)
    {
        var id = Guid.NewGuid();
        var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        var batch = new ServiceSpanBatch(id, ["GET /"], [.. Enumerable.Range(0, spans).Select(i => new ServiceSpan(now, 1_000_000 + i, 0, SpanKindCode.Server, SpanRole.Request))]);
        return new LoggedBatch(id, batch, null, null);
    }
}
