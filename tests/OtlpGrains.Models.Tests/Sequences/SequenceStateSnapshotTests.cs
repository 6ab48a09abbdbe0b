using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Models.Detection;
using Xunit;

namespace OtlpGrains.Models.Tests.Sequences;

public sealed class SequenceStateSnapshotTests
{
    public static TheoryData<string> Kinds => [.. TrainedModels.Kinds];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RestoredStateGivesIdenticalScores(string kind)
    {
        using ServiceProvider services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        IAnomalyModel model = TrainedModels.RedOf(kind);
        double[][] series = SyntheticSeries.Red(300, seed: 31, faultFrom: 260);
        DetectorState state = model.NewState();
        for (int t = 0; t < 200; t++)
        {
            model.Score(state, t, series[t]);
        }

        DetectorState restored = serializer.Deserialize<DetectorState>(serializer.SerializeToArray(state))!;

        Assert.Equal(kind, restored.Kind);
        Assert.NotSame(state, restored);
        for (int t = 200; t < series.Length; t++)
        {
            AnomalyScore original = model.Score(state, t, series[t]);
            AnomalyScore copy = model.Score(restored, t, series[t]);
            Assert.Equal(original.Score, copy.Score);
            Assert.Equal(original.SignalScores, copy.SignalScores);
        }
    }
}
