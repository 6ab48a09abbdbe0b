using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.MlNet;
using OtlpGrains.Models.Evaluation.Nab;
using OtlpGrains.Models.Training;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Evaluate;

/// <summary>
/// Detectors trained offline, on NAB: each file's model is trained on that file's probation rows (the first 15%,
/// which the benchmark does not score), without labels and with the default options of its trainer, then scores
/// the whole file from a fresh state. The same configuration for every file.
/// </summary>
internal static class ProbationTrained
{
    public static NabDetector Detector(string kind) =>
        new(kind, () => throw new InvalidOperationException($"{kind} is trained per file"), file => Train(kind, file));

    private static IAnomalyModel Train(string kind, NabFile file)
    {
        IReadOnlyList<double[]> probation = [.. file.Values.Take(file.ProbationLength).Select(v => new[] { v })];
        return kind == MlNetPcaModel.KindName
            ? MlNetPcaTrainer.Train(FeatureSchema.Univariate, new MlNetPcaTrainingOptions(), [probation])
            : AutoencoderTrainer.Train(kind, FeatureSchema.Univariate, new AutoencoderTrainingOptions(), [probation]);
    }
}
