using System.Collections.Concurrent;
using System.Collections.Immutable;
using Orleans.Streams;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Grains.Tests.Anomalies;

/// <summary>
/// Versions of the span model change while a service takes batches: each grain switches at its next closed window,
/// every window is scored once (built-in, then v1, v2, and v1 again after the rollback), the anomalies under v2
/// carry v2, and a refused upload changes nothing.
/// </summary>
[Collection(ScoringClusterCollection.Name)]
public sealed class HotSwapTests(ScoringClusterFixture fixture)
{
    private const long Second = 1_000_000_000L;
    private const long Width = 10 * Second;
    private const int FaultFrom = 950;
    private const int FaultTo = 952;

    // Whole windows, far enough back that the last one is not in the future.
    private static readonly long Origin = (DateTimeOffset.UtcNow.AddHours(-4).ToUnixTimeSeconds() / 10 * 10) * Second;

    [Fact]
    public async Task SwitchesAtWindowBoundariesWithoutLosingAWindow()
    {
        string service = "hot-swap-" + Guid.NewGuid().ToString("N")[..8];
        var registry = fixture.Registry;
        int v1 = await RegisterAsync(new BaselineOptions { RecentWindows = 48 });
        int v2 = await RegisterAsync(new BaselineOptions { RecentWindows = 96 });
        var v1Ref = new AnomalyModelRef(ScoringClusterFixture.Model, v1);
        var v2Ref = new AnomalyModelRef(ScoringClusterFixture.Model, v2);

        var streamed = new ConcurrentQueue<AnomalyEvent>();
        var subscription = await fixture.Cluster.Client.GetStreamProvider(StreamNames.Provider)
            .GetStream<AnomalyEvent>(StreamId.Create(StreamNames.Anomalies, service))
            .SubscribeAsync((e, _) =>
            {
                streamed.Enqueue(e);
                return Task.CompletedTask;
            });

        var grain = fixture.Grains.GetGrain<IServiceGrain>(service);
        var random = new Random(7);
        for (int w = 0; w < 1100; w++)
        {
            await grain.IngestSpansAsync(Batch(w, random, errorRate: w is >= FaultFrom and <= FaultTo ? 0.6 : 0.02));
            switch (w)
            {
                case 200:
                    Assert.True((await registry.PromoteAsync(ScoringClusterFixture.Model, v1, ModelStage.Production, "test", "first")).Succeeded);
                    break;
                case 205:
                    await SwitchedAsync(v1Ref, null);
                    break;
                case 250:
                    Assert.True((await registry.PromoteAsync(ScoringClusterFixture.Model, v2, ModelStage.Shadow, "test", "try")).Succeeded);
                    break;
                case 255:
                    await SwitchedAsync(v1Ref, v2Ref);
                    break;
                case 900:
                    Assert.True((await registry.PromoteAsync(ScoringClusterFixture.Model, v2, ModelStage.Production, "test", "better")).Succeeded);
                    break;
                case 905:
                    await SwitchedAsync(v2Ref, null);
                    break;
                case 1000:
                    Assert.True((await registry.RollbackAsync(ScoringClusterFixture.Model, "test", "back")).Succeeded);
                    break;
                case 1005:
                    await SwitchedAsync(v1Ref, null);
                    break;
                case 1050:
                    byte[] corrupt = Artifact(new BaselineOptions());
                    corrupt[^5] ^= 0xFF;
                    Assert.False((await registry.RegisterAsync(Upload(corrupt))).Succeeded);
                    break;
            }
        }

        // Every closed window once, in four contiguous runs: built-in, v1, v2 (promoted from shadow), v1 again.
        AnomalyScoring[] runs = [.. (await grain.GetAnomalyScoringAsync()).Where(r => r.Signal == "spans")];
        Assert.Equal([AnomalyModelRef.Builtin, v1Ref, v2Ref, v1Ref], runs.Select(r => r.Model));
        Assert.Equal(StartOf(0), runs[0].FirstWindowStart);
        for (int i = 1; i < runs.Length; i++)
        {
            Assert.Equal(runs[i - 1].LastWindowStart.AddSeconds(10), runs[i].FirstWindowStart);
        }

        long scored = runs.Sum(r => r.Windows);
        Assert.Equal((long)((runs[^1].LastWindowStart - runs[0].FirstWindowStart).TotalSeconds / 10) + 1, scored);
        Assert.InRange(scored, 1095, 1100);

        // Each switch at the first window that closed after the silo learnt of it (ingest went on meanwhile).
        Assert.InRange(runs[1].FirstWindowStart, StartOf(195), StartOf(206));
        Assert.InRange(runs[2].FirstWindowStart, StartOf(895), StartOf(906));
        Assert.InRange(runs[3].FirstWindowStart, StartOf(995), StartOf(1006));

        // The fault under v2: flagged, by v2; every event of v2's run carries v2, on the stream and in the grain.
        AnomalyEvent[] kept = await grain.GetAnomaliesAsync(null);
        AnomalyEvent fault = Assert.Single(kept, e => e.WindowStart == StartOf(FaultFrom));
        Assert.Equal(v2Ref, fault.Model);
        Assert.Contains("errorRatio", fault.Signals);
        var v2Events = await ClusterFixture.EventuallyAsync(
            () => Task.FromResult(streamed.Where(e => e.WindowStart >= runs[2].FirstWindowStart && e.WindowStart <= runs[2].LastWindowStart).ToArray()),
            events => events.Any(e => e.Id == fault.Id));
        Assert.Contains(v2Events, e => e.Id == fault.Id);
        Assert.All(v2Events, e => Assert.Equal(v2Ref, e.Model));
        Assert.All(kept.Where(e => e.WindowStart >= runs[2].FirstWindowStart && e.WindowStart <= runs[2].LastWindowStart), e => Assert.Equal(v2Ref, e.Model));

        // The refused upload left production and the lineups alone; the service says which version judged it last.
        Assert.Equal(v1, (await registry.GetProductionAsync(ScoringClusterFixture.Model))?.Number);
        Assert.All(fixture.Lineups(), l => Assert.Equal(v1Ref, l.Production.Ref));
        ServiceSummary summary = await grain.GetSummaryAsync();
        Assert.Equal(v1Ref, summary.Model);
        Assert.Equal("ok", summary.Status);
        await subscription.UnsubscribeAsync();
    }

    private async Task SwitchedAsync(AnomalyModelRef production, AnomalyModelRef? shadow)
    {
        var lineups = await ClusterFixture.EventuallyAsync(
            () => Task.FromResult(fixture.Lineups()),
            all => all.All(l => l.Production.Ref == production && l.Shadow?.Ref == shadow));
        Assert.All(lineups, l => Assert.Equal((production, shadow), (l.Production.Ref, l.Shadow?.Ref)));
    }

    private async Task<int> RegisterAsync(BaselineOptions options)
    {
        var result = await fixture.Registry.RegisterAsync(Upload(Artifact(options)));
        Assert.True(result.Succeeded, result.Refusal?.Reason);
        return result.Changed[0].Number;
    }

    private static byte[] Artifact(BaselineOptions options) => new BaselineCodec().Save(new BaselineModel(FeatureSchema.Red, options));

    private static ModelUpload Upload(byte[] artifact) => new(
        ScoringClusterFixture.Model, BaselineModel.KindName, FeatureSchema.Red, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
        ImmutableSortedDictionary<string, double>.Empty, null, "test", "hot swap", artifact);

    /// <summary>Window <paramref name="w"/>'s requests: 200 of them, each an error with the given probability.</summary>
    private static ServiceSpanBatch Batch(int w, Random random, double errorRate) => SyntheticRequests.Batch(Origin + (w * Width), random, errorRate);

    private static DateTimeOffset StartOf(int window) => DateTimeOffset.UnixEpoch.AddTicks((Origin + (window * Width)) / 100);
}
