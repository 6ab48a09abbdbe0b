using OtlpGrains.Evaluate.Training;
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

    private static RedWindow Window(int index, double rate) =>
        new(T0.AddSeconds(10 * index), T0.AddSeconds(10 * (index + 1)), [rate, 0.01, 10, 20, 30]);
}
