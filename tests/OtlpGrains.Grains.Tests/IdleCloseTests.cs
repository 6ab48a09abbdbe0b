using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OtlpGrains.Grains.Tests.Anomalies;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>
/// A durable service whose spans stop: its last windows close on the idle timer, each once, and a crash right after
/// does not close them again (the idle close is checkpointed at once, since no logged batch can replay it).
/// </summary>
// In the durable collection: the crash below flips the process-wide doubles the other durable tests use.
[Collection(DurableDetectionCollection.Name)]
public sealed class IdleCloseTests(IdleCloseTests.IdleServiceFixture fixture) : IClassFixture<IdleCloseTests.IdleServiceFixture>
{
    private const long Second = 1_000_000_000;

    [Fact]
    public async Task AnIdleServicesLastWindowsCloseOnceEvenAcrossACrash()
    {
        using var idleClosed = SiloCollectors.Of(fixture.Cluster, "idle_closed_windows_total");
        var name = $"idle-{Guid.NewGuid():N}";
        var service = fixture.Grains.GetGrain<IServiceGrain>(name);
        long start = ((DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 10 * 10) - 200) * Second;

        // Spans in [0, 10) and [10, 20): the watermark (13 s) closes neither, and nothing comes after them.
        await service.IngestSpansAsync(Batch(start, 1, 2, 13));
        long[] closed = await ClusterFixture.EventuallyAsync(() => Task.FromResult(Starts(name, start)), s => s.Length >= 2);
        Assert.Equal([0L, 10L], closed);

        // The silo "dies" now: an append fails and the storage refuses the checkpoint on the way out.
        FreezableGrainStorage.Frozen = true;
        try
        {
            FlakyBatchLog.FailNextAppend = true;
            await Assert.ThrowsAsync<InvalidOperationException>(() => service.IngestSpansAsync(Batch(start, 14)).AsTask());
        }
        finally
        {
            FreezableGrainStorage.Frozen = false;
        }

        // The next batch restores the service from the idle close's checkpoint: [20, 30) closes on its watermark
        // (45 s), then [30, 40) and [40, 50) on idleness; [0, 10) and [10, 20) never again.
        await service.IngestSpansAsync(Batch(start, 45));
        await ClusterFixture.EventuallyAsync(() => Task.FromResult(Starts(name, start)), s => s.Length >= 5);
        await Task.Delay(TimeSpan.FromSeconds(3)); // three idle times more: nothing else closes
        Assert.Equal([0L, 10L, 20L, 30L, 40L], Starts(name, start));
        Assert.Equal(4, (await service.GetTotalsAsync()).Spans);
        Assert.Equal(4, idleClosed.Sum()); // [0, 10), [10, 20), then [30, 40), [40, 50); this cluster holds this service only
    }

    // The span windows the sink received, as seconds after the start.
    private static long[] Starts(string service, long start) =>
        [.. RecordingWindowCloseSink.Of(service).Where(w => w.Signal == WindowSignal.Spans).Select(w => (w.StartUnixNano - start) / Second)];

    // One request span ending at each of the given seconds after the start.
    private static ServiceSpanBatch Batch(long start, params long[] seconds) => new(
        Guid.NewGuid(),
        ["GET /a"],
        [.. seconds.Select(s => new ServiceSpan(start + (s * Second), 5_000_000, 0, SpanKindCode.Server, SpanRole.Request))]);

    /// <summary>The durable test cluster with signals idle after 1 s.</summary>
    public sealed class IdleServiceFixture : OneSiloCluster<IdleServiceFixture.SiloConfigurator>
    {
        public sealed class SiloConfigurator : ISiloConfigurator
        {
            public void Configure(ISiloBuilder siloBuilder)
            {
                DurableServiceFixture.AddDurableGrains(siloBuilder);
                siloBuilder.Services.Configure<ServiceWindowOptions>(o => o.IdleCloseSeconds = 1);
            }
        }
    }
}
