using System.Collections.Concurrent;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.MlNet;
using OtlpGrains.Models.Detection.Torch;
using OtlpGrains.Models.Training;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Tests.Sequences;

/// <summary>Each sequence model kind trained once per test run on clean synthetic series, shared by the test classes.</summary>
internal static class TrainedModels
{
    public static readonly string[] Kinds = [TorchSequenceModel.LstmKind, TorchSequenceModel.TransformerKind, MlNetPcaModel.KindName];

    private static readonly ConcurrentDictionary<string, Lazy<IAnomalyModel>> Univariate = new();
    private static readonly ConcurrentDictionary<string, Lazy<IAnomalyModel>> Red = new();

    /// <summary>Trained on 300 clean windows of <see cref="SyntheticSeries.Seasonal"/>.</summary>
    public static IAnomalyModel UnivariateOf(string kind) =>
        Univariate.GetOrAdd(kind, k => new Lazy<IAnomalyModel>(() => Train(k, FeatureSchema.Univariate, [SyntheticSeries.Seasonal(300, seed: 1)]))).Value;

    /// <summary>Trained on two services' 200 clean windows of <see cref="SyntheticSeries.Red"/>.</summary>
    public static IAnomalyModel RedOf(string kind) =>
        Red.GetOrAdd(kind, k => new Lazy<IAnomalyModel>(() => Train(k, FeatureSchema.Red, [SyntheticSeries.Red(200, seed: 2), SyntheticSeries.Red(200, seed: 3)]))).Value;

    public static IAnomalyModel Train(string kind, FeatureSchema schema, IReadOnlyList<double[]>[] series) =>
        kind == MlNetPcaModel.KindName
            ? MlNetPcaTrainer.Train(schema, new MlNetPcaTrainingOptions(), series)
            : AutoencoderTrainer.Train(kind, schema, new AutoencoderTrainingOptions(), series);

    /// <summary>Scores a whole series from a fresh state, one window at a time.</summary>
    public static double[] ScoreAll(IAnomalyModel model, IReadOnlyList<double[]> series, DetectorState? state = null)
    {
        state ??= model.NewState();
        var scores = new double[series.Count];
        for (int t = 0; t < series.Count; t++)
        {
            scores[t] = model.Score(state, t * 10_000_000_000L, series[t]).Score;
        }

        return scores;
    }
}
