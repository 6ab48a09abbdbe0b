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
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// The kept-trace store of durable mode on a real PostgreSQL: reads, writes and overwrites the way the trace shards and
/// the trace grain use it, and pruning by age and by count, also from two silos at once.
/// </summary>
public sealed class PostgresKeptTraceStoreTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncDisposable
{
    // TraceGrain.StateName (internal to the grains); the store ignores it.
    private const string StateName = "kept";

    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _clock = new(T0);
    private NpgsqlDataSource? _dataSource;

    [Fact]
    public async Task ReadsWhatWasWrittenOverwritesAndClears()
    {
        var store = await StoreAsync("kept_rw");
        var id = TraceId(1);
        var other = TraceId(2);

        var absent = await ReadAsync(store, id);
        Assert.False(absent.RecordExists);
        Assert.Null(absent.ETag);

        var first = View(id, "error", spans: 3);
        var written = new GrainState<KeptTrace>(new KeptTrace { View = first });
        await store.WriteStateAsync(StateName, Grain(id), written);
        Assert.True(written.RecordExists);
        Assert.Equal("1", written.ETag);

        var read = await ReadAsync(store, id);
        Assert.True(read.RecordExists);
        Assert.Equal("1", read.ETag);
        AssertSameView(first, read.State?.View);
        Assert.False((await ReadAsync(store, other)).RecordExists);

        // A second write of the same trace replaces it (last write wins) and moves the etag on.
        var second = View(id, "slow", spans: 5);
        await store.WriteStateAsync(StateName, Grain(id), new GrainState<KeptTrace>(new KeptTrace { View = second }));
        read = await ReadAsync(store, id);
        Assert.Equal("2", read.ETag);
        AssertSameView(second, read.State?.View);

        await store.WriteStateAsync(StateName, Grain(other), new GrainState<KeptTrace>(new KeptTrace { View = View(other, "sampled", 1) }));
        var cleared = new GrainState<KeptTrace>(new KeptTrace());
        await store.ClearStateAsync(StateName, Grain(id), cleared);
        Assert.False(cleared.RecordExists);
        Assert.False((await ReadAsync(store, id)).RecordExists);
        Assert.True((await ReadAsync(store, other)).RecordExists);
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
        return new PostgresKeptTraceStore(_dataSource, _services.GetRequiredService<Serializer>(), _clock);
    }

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

    private static async Task WriteAsync(PostgresKeptTraceStore store, string id) =>
        await store.WriteStateAsync(StateName, Grain(id), new GrainState<KeptTrace>(new KeptTrace { View = View(id, "error", 1) }));

    private static async Task<GrainState<KeptTrace>> ReadAsync(PostgresKeptTraceStore store, string id)
    {
        var state = new GrainState<KeptTrace>(new KeptTrace());
        await store.ReadStateAsync(StateName, Grain(id), state);
        return state;
    }

    private static GrainId Grain(string traceId) => GrainId.Create("trace", traceId);

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
