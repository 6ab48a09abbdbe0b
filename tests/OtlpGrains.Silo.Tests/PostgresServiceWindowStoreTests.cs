using System.Text.Json.Serialization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Orleans.Serialization;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Services;
using OtlpGrains.Silo.Storage;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>The store of sealed windows on a real PostgreSQL: a head plus what it reads back restore the service; ranges replace; pruning.</summary>
public sealed class PostgresServiceWindowStoreTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const long Second = 1_000_000_000;
    private const long T0 = 1_700_000_000 * Second;

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    [Fact]
    public async Task StoresReadsReplacesAndPrunesSealedWindows()
    {
        var database = await postgres.CreateDatabaseAsync("windows");
        await PostgresSchema.ApplyAsync(database, CancellationToken.None);
        await using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        await using var dataSource = NpgsqlDataSource.Create(database);
        var store = new PostgresServiceWindowStore(dataSource, serializer);
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds((T0 / Second) + 7200));

        // 900 s of spans and edge calls, checkpointed: the sealed windows go to the store, the head keeps the rest.
        var service = new ServiceStatistics(new ServiceWindowOptions(), clock);
        Feed(service, 0, 900);
        SealedWindowBatch batch = service.UnstoredWindows();
        await store.WriteAsync("checkout", batch, CancellationToken.None);
        service.MarkStored(batch);
        byte[] head = serializer.SerializeToArray(service);

        IReadOnlyList<SealedWindow> read = await store.ReadAsync("checkout", CancellationToken.None);
        Assert.Equal(batch.Windows.Select(w => (w.Signal, w.StartUnixNano)), read.Select(w => (w.Signal, w.StartUnixNano)));
        Assert.Empty(await store.ReadAsync("cart", CancellationToken.None));

        var restored = serializer.Deserialize<ServiceStatistics>(head)!;
        restored.AttachClock(clock);
        Assert.Equal(read.Count, restored.RestoreStored(read));
        Assert.Equal(Describe(service), Describe(restored));

        // The service starting over with spans only: its first write replaces every span window before its own, and
        // leaves the edge windows, which a head counts only once its own edges wrote.
        var fresh = new ServiceStatistics(new ServiceWindowOptions(), clock);
        fresh.AddSpans(new ServiceSpanBatch(Guid.NewGuid(), ["GET /a"], [new ServiceSpan(T0 + (890 * Second), 1_000_000, 0, SpanKindCode.Server, SpanRole.Request)]));
        SealedWindowBatch first = fresh.UnstoredWindows();
        await store.WriteAsync("checkout", first, CancellationToken.None);
        Assert.DoesNotContain(await store.ReadAsync("checkout", CancellationToken.None), w => w.Signal == WindowedSignal.Spans);
        Assert.Contains(await store.ReadAsync("checkout", CancellationToken.None), w => w.Signal == WindowedSignal.Edges);

        // Windows that fell out of the original service's retention are pruned, per signal.
        Feed(service, 900, 4000);
        batch = service.UnstoredWindows();
        await store.WriteAsync("checkout", batch, CancellationToken.None);
        service.MarkStored(batch);
        long pruned = await store.PruneAsync("checkout", service.RetainedFrom(), CancellationToken.None);
        Assert.True(pruned > 0);
        var left = await store.ReadAsync("checkout", CancellationToken.None);
        var retainedFrom = service.RetainedFrom().ToDictionary(r => r.Signal, r => r.FromUnixNano);
        Assert.All(left, w => Assert.True(w.StartUnixNano >= retainedFrom[w.Signal]));
        var kept = left.Select(w => (w.Signal, w.StartUnixNano)).ToHashSet();
        Assert.All(batch.Windows.Where(w => w.StartUnixNano >= retainedFrom[w.Signal]), w => Assert.Contains((w.Signal, w.StartUnixNano), kept));
    }

    private static void Feed(ServiceStatistics service, int from, int to)
    {
        for (int s = from; s < to; s++)
        {
            long time = T0 + (s * Second);
            service.AddSpans(new ServiceSpanBatch(Guid.NewGuid(), ["GET /a"], [new ServiceSpan(time, (5 + (s % 11)) * 1_000_000L, 0, SpanKindCode.Server, SpanRole.Request)]));
            service.AddEdgeCalls([new EdgeCall("db", true, time, (1 + (s % 7)) * 1_000_000L, s % 13 == 0)]);
            service.TakeClosedWindows();
        }
    }

    private static string Describe(ServiceStatistics service) =>
        JsonSerializer.Serialize(new { Detail = service.Detail("checkout", null, null), Windows = service.Windows(null, null) }, Json);
}
