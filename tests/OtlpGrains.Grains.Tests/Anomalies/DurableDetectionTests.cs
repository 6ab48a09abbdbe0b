using OtlpGrains.Interfaces;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Grains.Tests.Anomalies;

/// <summary>
/// A service grain that loses its state since the last checkpoint (as when its silo is killed) restores its
/// detection with its windows and replays its log: it ends with the same scores, events and runs as a twin service
/// that never lost anything, each window scored once in its history.
/// </summary>
[Collection(DurableDetectionCollection.Name)]
public sealed class DurableDetectionTests(DurableServiceFixture fixture)
{
    private const long Second = 1_000_000_000;
    private const long Width = 10 * Second;

    [Fact]
    public async Task ARestoredAndReplayedGrainScoresLikeItsTwin()
    {
        var crashed = fixture.Grains.GetGrain<IServiceGrain>($"crashed-{Guid.NewGuid():N}");
        var twin = fixture.Grains.GetGrain<IServiceGrain>($"twin-{Guid.NewGuid():N}");
        long origin = (DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeSeconds() / 10 * 10) * Second;
        var random = new Random(3);
        ServiceSpanBatch[] batches = [.. Enumerable.Range(0, 800).Select(w => Batch(origin + (w * Width), random, w is >= 720 and <= 722 ? 0.6 : 0.02))];

        async Task FeedAsync(int from, int to)
        {
            for (int w = from; w < to; w++)
            {
                await crashed.IngestSpansAsync(batches[w]);
                await twin.IngestSpansAsync(batches[w]);
            }
        }

        await CrashReplay.RunAsync(FeedAsync, () => crashed.IngestSpansAsync(Batch(origin, random, 0)).AsTask(), 600, 650, 800);

        AnomalyEvent[] expected = await twin.GetAnomaliesAsync(null);
        AnomalyEvent[] actual = await crashed.GetAnomaliesAsync(null);
        Assert.Contains(expected, e => e.Signals.Contains("errorRatio"));
        Assert.Equal(
            expected.Select(e => (e.Signal, e.WindowStart, e.Score, e.Severity, e.Threshold, e.DetectedAt, e.Model)),
            actual.Select(e => (e.Signal, e.WindowStart, e.Score, e.Severity, e.Threshold, e.DetectedAt, e.Model)));

        AnomalyScoring[] expectedRuns = await twin.GetAnomalyScoringAsync();
        AnomalyScoring[] actualRuns = await crashed.GetAnomalyScoringAsync();
        Assert.Equal(expectedRuns.Select(r => (r.Signal, r.Windows, r.FirstWindowStart, r.LastWindowStart)), actualRuns.Select(r => (r.Signal, r.Windows, r.FirstWindowStart, r.LastWindowStart)));
        Assert.InRange(actualRuns.Single(r => r.Signal == "spans").Windows, 795, 800);

        ServiceSummary twinSummary = await twin.GetSummaryAsync();
        ServiceSummary crashedSummary = await crashed.GetSummaryAsync();
        Assert.Equal((twinSummary.AnomalyScore, twinSummary.Status), (crashedSummary.AnomalyScore, crashedSummary.Status));
    }

    private static ServiceSpanBatch Batch(long windowStart, Random random, double errorRate) => SyntheticRequests.Batch(windowStart, random, errorRate);
}

/// <summary>
/// Run alone: the crash doubles (<see cref="FlakyBatchLog"/>, <see cref="FreezableGrainStorage"/>) are process-wide
/// switches, which must not flip under <see cref="DurableWindowCloseTests"/> running at the same time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DurableDetectionCollection : ICollectionFixture<DurableServiceFixture>
{
    public const string Name = "durable-detection";
}
