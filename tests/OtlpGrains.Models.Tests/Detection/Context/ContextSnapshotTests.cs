using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Context;
using Xunit;

namespace OtlpGrains.Models.Tests.Detection.Context;

/// <summary>A context state that went through the Orleans serializer scores every later window as the original does.</summary>
public sealed class ContextSnapshotTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void RestoredStateScoresLikeTheOriginal()
    {
        var serializer = _services.GetRequiredService<Serializer>();
        // A small table, so that the snapshot is taken after halvings and the run after it halves again.
        var model = new ContextModel(FeatureSchema.Red, ContextOptions.Default with { TableCapacity = 256 });
        DetectorState original = model.NewState();
        int onset = 3 * SyntheticRed.WindowsPerDay;
        var service = new SyntheticRed(seed: 9, Fault.ErrorBurst, onset);
        var windows = Enumerable.Range(0, onset + 50).Select(service.Window).ToArray();
        int snapshotAt = onset - 300;
        for (int w = 0; w < snapshotAt; w++)
        {
            model.Score(original, SyntheticRed.StartOf(w), windows[w]);
        }

        DetectorState restored = serializer.Deserialize<DetectorState>(serializer.SerializeToArray(original))!;
        Assert.NotSame(original, restored);
        Assert.Equal(ContextModel.KindName, restored.Kind);

        double highest = 0;
        for (int w = snapshotAt; w < windows.Length; w++)
        {
            AnomalyScore expected = model.Score(original, SyntheticRed.StartOf(w), windows[w]);
            AnomalyScore actual = model.Score(restored, SyntheticRed.StartOf(w), windows[w]);
            Assert.Equal(expected.Score, actual.Score);
            Assert.Equal(expected.SignalScores, actual.SignalScores);
            highest = Math.Max(highest, expected.Score);
        }

        // The compared windows include the error burst: equal scores of a detector that says nothing would prove little.
        Assert.Equal(1.0, highest);
    }

    [Fact]
    public void StateStaysBoundedOverALongRun()
    {
        var serializer = _services.GetRequiredService<Serializer>();
        var model = new ContextModel(FeatureSchema.Red, ContextOptions.Default);
        DetectorState state = model.NewState();
        var service = new SyntheticRed(seed: 4);
        int sizeAfterAWeek = 0;
        for (int w = 0; w < 21 * SyntheticRed.WindowsPerDay; w++)
        {
            model.Score(state, SyntheticRed.StartOf(w), service.Window(w));
            if (w == 7 * SyntheticRed.WindowsPerDay)
            {
                sizeAfterAWeek = serializer.SerializeToArray(state).Length;
            }
        }

        // Once the recent values fill their ring, only the table's occupancy moves the size, within its fixed slots.
        int size = serializer.SerializeToArray(state).Length;
        Assert.InRange(size, sizeAfterAWeek * 0.9, sizeAfterAWeek * 1.1);
        Assert.True(size < 5 * 70_000, $"a RED state serialized to {size} bytes");
    }
}
