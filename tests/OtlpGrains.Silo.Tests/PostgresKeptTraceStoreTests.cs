using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Orleans.Serialization;
using OtlpGrains.Grains.Traces;
using OtlpGrains.Interfaces;
using OtlpGrains.Silo.Storage;
using OtlpGrains.TestSupport;
using OtlpGrains.Models.Traces;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// The kept-trace store of durable mode on a real PostgreSQL: the first view of a trace wins; the writer that takes
/// the shards' kept traces shows them at once, writes them in batches, holds them while the table cannot be written and
/// counts what a stop could not write; pruning by age and by count, also from two silos at once.
/// </summary>
public sealed class PostgresKeptTraceStoreTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _clock = new(T0);
    private NpgsqlDataSource? _dataSource;

    [Fact]
    public async Task KeepsTheFirstViewOfEachTrace()
    {
        var store = await StoreAsync("kept_first");
        var id = TraceId(1);
        var other = TraceId(2);
        Assert.Null(await store.ReadAsync(id));

        // Within a batch and across batches, the first view of a trace is the one kept.
        var first = View(id, "error", spans: 3);
        Assert.Equal(2, await store.InsertAsync([Unwritten(first), Unwritten(View(other, "sampled", 1)), Unwritten(View(id, "slow", 5))]));
        AssertSameView(first, await store.ReadAsync(id));
        Assert.Equal(0, await store.InsertAsync([Unwritten(View(id, "error_log", 2))]));
        AssertSameView(first, await store.ReadAsync(id));
        Assert.Equal("sampled", (await store.ReadAsync(other))?.KeptBecause);
        Assert.Null(await store.ReadAsync(TraceId(3)));
    }

    [Fact]
    public async Task TheWriterShowsAKeptTraceAtOnceAndWritesItInBatches()
    {
        var store = await StoreAsync("kept_writer");
        using var writer = Writer(store);
        await writer.StartAsync(CancellationToken.None);

        // More than two batches' worth, kept faster than they are written.
        var traces = KeptTraceWriter.MaxBatch * 2 + 7;
        for (var i = 0; i < traces; i++)
        {
            await writer.KeepAsync(TraceId(i), View(TraceId(i), "error", 2));
        }

        Assert.Equal("error", (await writer.ReadAsync(TraceId(traces - 1)))?.KeptBecause);
        await SiloFixture.EventuallyAsync(() => Task.FromResult(writer.Unwritten), n => n == 0);
        Assert.Equal(traces, (await HeldAsync()).Count);

        // A later view of a trace already written does not replace it.
        await writer.KeepAsync(TraceId(0), View(TraceId(0), "slow", 5));
        await writer.StopAsync(CancellationToken.None);
        Assert.Equal(2, (await store.ReadAsync(TraceId(0)))?.Spans.Length);
    }

    [Fact]
    public async Task TheWriterReadsATracesPartsInOrderFromTheTableAndFromWhatIsUnwritten()
    {
        var store = await StoreAsync("kept_parts");
        using var writer = Writer(store);
        var id = TraceId(7);
        await store.InsertAsync([Unwritten(View(id, "error", 2)), Unwritten(View(KeptContinuations.KeyOf(id, 3), "continued", 3))]);

        // Part 2 is still unwritten (the writer is not started), parts 1 and 3 are in the table, part 4 is nowhere.
        await writer.KeepAsync(KeptContinuations.KeyOf(id, 2), View(id, "continued", 1));
        var parts = await writer.ReadPartsAsync(id);

        Assert.Equal([2, 1, 3], parts.Select(p => p.Spans.Length));
        Assert.Empty(await writer.ReadPartsAsync(TraceId(8)));
    }

    [Fact]
    public async Task WhileTheTableCannotBeWrittenTheWriterHoldsUpToItsLimitAndCatchesUp()
    {
        var (database, store) = await StoreWithoutSchemaAsync("kept_away");
        using var writer = Writer(store, maxUnwritten: 3);
        await writer.StartAsync(CancellationToken.None);

        for (var i = 0; i < 3; i++)
        {
            await KeepAsync(writer, i);
        }

        await Assert.ThrowsAsync<KeptTraceStoreFullException>(() => writer.KeepAsync(TraceId(3), View(TraceId(3), "error", 1)).AsTask());
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(3, writer.Unwritten);
        Assert.Equal("error", (await writer.ReadAsync(TraceId(2)))?.KeptBecause);

        await PostgresSchema.ApplyAsync(database, CancellationToken.None);
        await SiloFixture.EventuallyAsync(() => Task.FromResult(writer.Unwritten), n => n == 0);
        Assert.Equal([TraceId(0), TraceId(1), TraceId(2)], await HeldAsync());
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task WhileTheSiloStopsAFullWriterMakesAKeepWaitForRoom()
    {
        var (database, store) = await StoreWithoutSchemaAsync("kept_stopping");
        using var writer = Writer(store, maxUnwritten: 2);
        await writer.StartAsync(CancellationToken.None);
        await KeepAsync(writer, 0);
        await KeepAsync(writer, 1);

        // The shards drain as the silo stops: the third keep waits for the table instead of being refused.
        writer.SiloStopping();
        var third = writer.KeepAsync(TraceId(2), View(TraceId(2), "error", 1)).AsTask();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(third.IsCompleted);

        await PostgresSchema.ApplyAsync(database, CancellationToken.None);
        await third.WaitAsync(TimeSpan.FromSeconds(30));
        await writer.StopAsync(CancellationToken.None);
        Assert.Equal([TraceId(0), TraceId(1), TraceId(2)], await HeldAsync());
    }

    [Fact]
    public async Task AStopThatRunsOutOfTimeCountsTheTracesItCouldNotWrite()
    {
        var (_, store) = await StoreWithoutSchemaAsync("kept_lost");
        using var lost = new MetricCollector<long>(_services.GetRequiredService<IMeterFactory>(), "OtlpGrains.Storage", "kept_traces_lost_total");
        using var writer = Writer(store);
        await writer.StartAsync(CancellationToken.None);
        await KeepAsync(writer, 1);
        await KeepAsync(writer, 2);

        using var stopTime = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await writer.StopAsync(stopTime.Token);
        Assert.Equal(2, lost.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task PrunesTracesOlderThanTheRetention()
    {
        var store = await StoreAsync("kept_age");
        for (var i = 0; i < 4; i++)
        {
            await WriteAsync(store, TraceId(i));
            _clock.Advance(TimeSpan.FromHours(1));
        }

        // Now T0 + 4 h with a 2.5 h retention: the traces kept at T0 and T0 + 1 h are past it.
        var pruning = Pruning(store, maxTraces: 100, retentionHours: 2.5);
        using var pruned = Collect();

        Assert.Equal(new KeptTracesPruned(ByAge: 2, ByCount: 0), await pruning.PruneAsync(CancellationToken.None));
        Assert.Equal([TraceId(2), TraceId(3)], await HeldAsync());
        Assert.Equal(new KeptTracesPruned(0, 0), await pruning.PruneAsync(CancellationToken.None));
        Assert.Equal(2, Sum(pruned, "age"));
        Assert.Equal(0, Sum(pruned, "count"));
    }

    [Fact]
    public async Task PrunesTheOldestBeyondTheCountAlsoFromTwoSilosAtOnce()
    {
        var store = await StoreAsync("kept_count");
        for (var i = 0; i < 50; i++)
        {
            await WriteAsync(store, TraceId(i));
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        // Two silos' passes at once delete the 40 oldest between them, each row once.
        var passes = await Task.WhenAll(
            store.PruneAsync(10, T0 - TimeSpan.FromDays(1), CancellationToken.None),
            store.PruneAsync(10, T0 - TimeSpan.FromDays(1), CancellationToken.None));

        Assert.Equal(40, passes.Sum(p => p.ByCount));
        Assert.All(passes, p => Assert.Equal(0, p.ByAge));
        Assert.Equal(Enumerable.Range(40, 10).Select(TraceId), await HeldAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        await _services.DisposeAsync();
    }

    private async Task<PostgresKeptTraceStore> StoreAsync(string name)
    {
        var database = await postgres.CreateDatabaseAsync(name);
        await PostgresSchema.ApplyAsync(database, CancellationToken.None);
        _dataSource = NpgsqlDataSource.Create(database);
        return new PostgresKeptTraceStore(_dataSource, _services.GetRequiredService<Serializer>());
    }

    /// <summary>A store on a database without the schema yet: every insert fails, as while PostgreSQL is away.</summary>
    private async Task<(string Database, PostgresKeptTraceStore Store)> StoreWithoutSchemaAsync(string name)
    {
        var database = await postgres.CreateDatabaseAsync(name);
        _dataSource = NpgsqlDataSource.Create(database);
        return (database, new PostgresKeptTraceStore(_dataSource, _services.GetRequiredService<Serializer>()));
    }

    private static ValueTask KeepAsync(KeptTraceWriter writer, int i) => writer.KeepAsync(TraceId(i), View(TraceId(i), "error", 1));

    private KeptTracePruning Pruning(PostgresKeptTraceStore store, int maxTraces, double retentionHours) => new(
        store,
        Options.Create(new TraceOptions { MaxKeptTraces = maxTraces, KeptTraceRetentionHours = retentionHours }),
        _clock,
        _services.GetRequiredService<IMeterFactory>(),
        NullLogger<KeptTracePruning>.Instance);

    private MetricCollector<long> Collect() =>
        new(_services.GetRequiredService<IMeterFactory>(), "OtlpGrains.Storage", "kept_traces_pruned_total");

    private static long Sum(MetricCollector<long> collector, string reason) =>
        collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["reason"], reason)).Sum(m => m.Value);

    private async Task<List<string>> HeldAsync() =>
        await SchemaSnapshot.ReadRowsAsync(_dataSource!.ConnectionString, "SELECT trace_id FROM otlpgrains_kept_traces ORDER BY trace_id");

    private async Task WriteAsync(PostgresKeptTraceStore store, string id) => await store.InsertAsync([Unwritten(View(id, "error", 1))]);

    private UnwrittenTrace Unwritten(TraceView view) => new(view.TraceId, view, _clock.GetUtcNow());

    private KeptTraceWriter Writer(PostgresKeptTraceStore store, int maxUnwritten = KeptTraceWriter.DefaultMaxUnwritten) => new(
        store, TimeProvider.System, _services.GetRequiredService<IMeterFactory>(), NullLogger<KeptTraceWriter>.Instance, maxUnwritten);

    private static string TraceId(int i) => i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    private static TraceView View(string traceId, string keptBecause, int spans) => new(
        traceId,
        [.. Enumerable.Range(1, spans).Select(i => new TraceSpanView(
            i.ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            i == 1 ? null : "0000000000000001",
            "checkout",
            $"op{i}",
            "SERVER",
            T0.AddMilliseconds(i),
            T0.AddMilliseconds(i + 10),
            10,
            i == 1 ? "ERROR" : "OK"))],
        ["0000000000000001"],
        new Dictionary<string, double> { ["checkout"] = 10 },
        Orphans: 0,
        CutSpans: 0,
        keptBecause);

    private static void AssertSameView(TraceView expected, TraceView? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.TraceId, actual.TraceId);
        Assert.Equal(expected.KeptBecause, actual.KeptBecause);
        Assert.Equal(expected.Spans, actual.Spans);
        Assert.Equal(expected.CriticalPath, actual.CriticalPath);
        Assert.Equal(expected.SelfTimeMs, actual.SelfTimeMs);
    }
}
