using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.IsolationForest;
using OtlpGrains.Models.Detection.MlNet;
using OtlpGrains.Models.Detection.Torch;
using OtlpGrains.Models.Training;

namespace OtlpGrains.Evaluate.Training;

/// <summary>
/// The detector kinds <c>train</c> builds over <see cref="FeatureSchema.Red"/>, each with its default options: the
/// sequence models through their trainers, on every service's training windows; baseline and iforest learn online
/// per service, so their artifact is their options and there is nothing to fit offline.
/// </summary>
internal static class TrainedKinds
{
    public static IReadOnlyList<string> All { get; } =
    [
        MlNetPcaModel.KindName, TorchSequenceModel.LstmKind, TorchSequenceModel.TransformerKind, IsolationForestModel.KindName, BaselineModel.KindName,
    ];

    public static IAnomalyModel Train(string kind, IReadOnlyList<IReadOnlyList<double[]>> series) => kind switch
    {
        BaselineModel.KindName => new BaselineModel(FeatureSchema.Red, BaselineOptions.Default),
        IsolationForestModel.KindName => new IsolationForestModel(FeatureSchema.Red, IsolationForestOptions.Default),
        MlNetPcaModel.KindName => MlNetPcaTrainer.Train(FeatureSchema.Red, new MlNetPcaTrainingOptions(), series),
        TorchSequenceModel.LstmKind or TorchSequenceModel.TransformerKind =>
            AutoencoderTrainer.Train(kind, FeatureSchema.Red, new AutoencoderTrainingOptions(), series),
        _ => throw new ArgumentException($"unknown kind '{kind}'", nameof(kind)),
    };
}
