using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Models.Tests.Services;

/// <summary>
/// A service checkpointed incrementally (sealed windows stored once, then a head without them) restores to the same
/// service, also when the store ran ahead of the last head; and the head is a fraction of the whole state.
/// </summary>
public sealed class IncrementalCheckpointTests : IDisposable
{
    private const long Second = 1_000_000_000;
    private const long T0 = 1_700_000_000 * Second;

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly SortedDictionary<(WindowedSignal Signal, long Start), byte[]> _store = [];
    // Past every event time of these tests: nothing is refused as too far in the future.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeSeconds((T0 / Second) + 3600));

    public void Dispose() => _services.Dispose();

    [Fact]
    public void TheHeadAndTheStoredWindowsRestoreTheSameService()
    {
        var service = new ServiceStatistics(new ServiceWindowOptions(), _clock);
        Feed(service, 0, 900);
        Checkpoint(service);
        Feed(service, 900, 1500);
        byte[] head = Checkpoint(service);

        ServiceStatistics restored = Restore(head);

        Assert.Equal(Describe(service), Describe(restored));
        Assert.Equal(head, Serializer.SerializeToArray(restored));

        // 1500 s of every signal, lateness 300 s: each signal's head keeps about 31 of its 151 windows.
        int whole = Serializer.SerializeToArray(Twin(1500)).Length;
        Assert.True(head.Length < whole / 3, $"head {head.Length} B, whole state {whole} B");
    }

    [Fact]
    public void AStoreThatRanAheadOfTheHeadRestoresWhatTheHeadSaysAndTheReplayCatchesUp()
    {
        var service = new ServiceStatistics(new ServiceWindowOptions(), _clock);
        Feed(service, 0, 900);
        byte[] head = Checkpoint(service);

        // The next checkpoint stores its windows, and the process dies before its head is written.
        Feed(service, 900, 1500);
        SealedWindowBatch ahead = service.UnstoredWindows();
        Assert.Contains(ahead.Windows, window => window.Signal == WindowedSignal.Edges);
        Store(ahead);

        // The old head, the store as it is, and a replay of the logged batches after the head: edge calls are not
        // logged, so the stored edge windows beyond the head hold calls the restored service must not show.
        ServiceStatistics restored = Restore(head);
        Feed(restored, 900, 1500, edges: false);
        var twin = new ServiceStatistics(new ServiceWindowOptions(), _clock);
        Feed(twin, 0, 900);
        Feed(twin, 900, 1500, edges: false);
        Assert.Equal(Describe(twin), Describe(restored));

        // Its next checkpoint restores as the twin. The stale edge windows stay in the store, beyond what the head
        // counts as stored, until edge calls come again and the edges' next write covers them.
        Assert.Equal(Describe(twin), Describe(Restore(Checkpoint(restored))));
        Feed(restored, 1500, 1900);
        Feed(twin, 1500, 1900);
        Assert.Equal(Describe(twin), Describe(restored));
        Checkpoint(restored);
        var storeOfRestored = new SortedDictionary<(WindowedSignal, long), byte[]>(_store);
        _store.Clear();
        Checkpoint(twin);
        Assert.Equal(storeOfRestored.Keys, _store.Keys);
        Assert.Equal(storeOfRestored.Values.Select(Convert.ToHexString), _store.Values.Select(Convert.ToHexString));
    }

    [Fact]
    public void AFirstWriteClearsWhatAnEarlierIncarnationLeftInTheStore()
    {
        var earlier = new ServiceStatistics(new ServiceWindowOptions(), _clock);
        Feed(earlier, 0, 900);
        Checkpoint(earlier);
        Assert.NotEmpty(_store);

        // The service starts over (no head) with spans only: its first write of spans covers everything before its
        // sealed windows. The other signals' old rows stay until that signal writes, and a restore ignores them,
        // since the head says nothing of theirs is stored.
        var fresh = new ServiceStatistics(new ServiceWindowOptions(), _clock);
        fresh.AddSpans(Spans(T0 + (890 * Second)));
        byte[] head = Checkpoint(fresh);
        Assert.DoesNotContain(_store.Keys, key => key.Signal == WindowedSignal.Spans);
        Assert.Contains(_store.Keys, key => key.Signal == WindowedSignal.Logs);

        Assert.Equal(Describe(fresh), Describe(Restore(head)));
    }

    private Serializer Serializer => _services.GetRequiredService<Serializer>();

    private ServiceStatistics Twin(int seconds)
    {
        var twin = new ServiceStatistics(new ServiceWindowOptions(), _clock);
        Feed(twin, 0, seconds);
        return twin;
    }

    // What the grain does: store the sealed windows, mark them stored, write the head.
    private byte[] Checkpoint(ServiceStatistics service)
    {
        SealedWindowBatch batch = service.UnstoredWindows();
        Store(batch);
        service.MarkStored(batch);
        return Serializer.SerializeToArray(service);
    }

    private void Store(SealedWindowBatch batch)
    {
        foreach (WindowRange range in batch.Ranges)
        {
            foreach (var key in _store.Keys.Where(k => k.Signal == range.Signal && k.Start >= range.FromUnixNano && k.Start < range.ToUnixNano).ToList())
            {
                _store.Remove(key);
            }
        }

        foreach (SealedWindow window in batch.Windows)
        {
            _store[(window.Signal, window.StartUnixNano)] = Serializer.SerializeToArray(window);
        }
    }

    private ServiceStatistics Restore(byte[] head)
    {
        ServiceStatistics restored = Serializer.Deserialize<ServiceStatistics>(head) ?? throw new InvalidOperationException("empty head");
        restored.AttachClock(_clock);
        restored.RestoreStored(_store.Values.Select(bytes => Serializer.Deserialize<SealedWindow>(bytes)!));
        return restored;
    }

    // Every second of [from, to): spans of two operations, an edge call (unless told not), a metric point and a log line.
    private static void Feed(ServiceStatistics service, int from, int to, bool edges = true)
    {
        for (int s = from; s < to; s++)
        {
            long time = T0 + (s * Second);
            service.AddSpans(Spans(time));
            if (edges)
            {
                service.AddEdgeCalls([new EdgeCall("db", true, time, (1 + (s % 7)) * 1_000_000L, s % 13 == 0)]);
            }

            service.AddMetrics(new ServiceMetricBatch(Guid.NewGuid(), ["cpu"], [new MetricPoint(0, MetricKind.Gauge, time, s % 10, 1)]));
            service.AddLogs(new ServiceLogBatch(Guid.NewGuid(), [new LogLine(time, 9) { Body = $"order {s} placed" }]));
            service.TakeClosedWindows();
        }
    }

    private static ServiceSpanBatch Spans(long time) => new(
        Guid.NewGuid(),
        ["GET /a", "GET /b"],
        [
            new ServiceSpan(time, (5 + (time / Second % 11)) * 1_000_000L, 0, SpanKindCode.Server, SpanRole.Request),
            new ServiceSpan(time, (20 + (time / Second % 5)) * 1_000_000L, 1, SpanKindCode.Server, time / Second % 17 == 0 ? SpanRole.Request | SpanRole.Error : SpanRole.Request),
        ]);

    // What the API can read of a service, in one string.
    private static string Describe(ServiceStatistics service) => JsonSerializer.Serialize(
        new
        {
            Detail = service.Detail("svc", null, null),
            Windows = service.Windows(null, null),
            Summary = service.Summary("svc"),
            Downstream = service.Downstream("svc"),
            P99 = service.OperationP99("GET /a"),
            Templates = service.TemplateCounts(null, null).OrderBy(p => p.Key).ToArray(),
            Metrics = service.MetricMeans(DateTimeOffset.MinValue, DateTimeOffset.MaxValue),
            service.Totals,
        },
        Json);
}
