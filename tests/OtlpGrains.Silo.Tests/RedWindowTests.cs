using OtlpGrains.Evaluate.Training;
using OtlpGrains.Models.Statistics;
using Xunit;

namespace OtlpGrains.Silo.Tests;

public sealed class RedWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void IdleWindowsTheApiLeavesOutAreFilledAsTheGrainScoresThem()
    {
        RedWindow[] exported = [Window(0, 5), Window(1, 6), Window(4, 7)];

        RedWindow[] filled = RedWindow.FillGaps(exported);

        Assert.Equal([0, 1, 2, 3, 4], filled.Select(w => (int)((w.Start - T0).TotalSeconds / 10)));
        Assert.Equal([5.0, 6, 0, 0, 7], filled.Select(w => w.Values[0]));
        Assert.All(filled.Skip(2).Take(2), w =>
        {
            Assert.Equal(0, w.Values[1]);
            Assert.All(w.Values.Skip(2), v => Assert.True(double.IsNaN(v)));
            Assert.Equal(TimeSpan.FromSeconds(10), w.End - w.Start);
        });
        Assert.Same(exported[0], filled[0]);
        Assert.Empty(RedWindow.FillGaps([]));
    }

    [Fact]
    public void AQuietExportedWindowIsPooledWithTheMinuteBeforeItAsTheGrainPoolsIt()
    {
        // Five windows of 4 fast requests, a quiet one whose single request failed slowly, and, two minutes later,
        // another quiet one with nothing exported in the minute before it.
        var exported = new List<ExportedWindow>();
        for (int i = 0; i < 5; i++)
        {
            exported.Add(Exported(i, requests: 4, errors: 0, ms: 10));
        }

        exported.Add(Exported(5, requests: 1, errors: 1, ms: 900));
        exported.Add(Exported(18, requests: 1, errors: 1, ms: 900));

        RedWindow[] series = RedWindow.Series(exported);

        Assert.Equal(0.1, series[5].Values[0], 12); // its own rate
        Assert.Equal(1.0 / 21, series[5].Values[1], 12); // newest first until 20 requests: 1 + 4 × 5
        Assert.Equal(10, series[5].Values[2], 0.2);
        // Nothing to pool with: its 19 missing requests count at the usual ratio of the windows before it (1 in 21).
        Assert.Equal((1 + (19.0 / 21)) / 20, series[6].Values[1], 12);
        Assert.Equal(900, series[6].Values[4], 900 * 0.02);
        Assert.Equal(0, series[0].Values[1]);
    }

    private static ExportedWindow Exported(int index, long requests, long errors, long ms)
    {
        var latency = new LatencyHistogram();
        for (int i = 0; i < requests; i++)
        {
            latency.RecordNanos(ms * 1_000_000);
        }

        return new ExportedWindow(T0.AddSeconds(10 * index), T0.AddSeconds(10 * (index + 1)), requests, errors, latency.ToSnapshot());
    }

    private static RedWindow Window(int index, double rate) =>
        new(T0.AddSeconds(10 * index), T0.AddSeconds(10 * (index + 1)), [rate, 0.01, 10, 20, 30]);
}
