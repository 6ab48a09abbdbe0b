using OtlpGrains.Models.Detection;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.Context;
using OtlpGrains.Models.Detection.Corroborated;
using OtlpGrains.Models.Detection.IsolationForest;
using OtlpGrains.Models.Detection.MlNet;
using OtlpGrains.Models.Detection.Resonance;
using OtlpGrains.Models.Detection.Torch;
using OtlpGrains.Models.Detection.WindowedGaussian;
using OtlpGrains.Models.Evaluation.Nab;

namespace OtlpGrains.Evaluate;

/// <summary>
/// Every detector the <c>nab</c> command runs, in output order. A detector joins with one line: its name on the
/// NAB line and a factory for a model with <see cref="FeatureSchema.Univariate"/> (one configuration for the whole
/// corpus: nothing per file, nothing from the labels).
/// </summary>
internal static class NabDetectors
{
    public static IReadOnlyList<NabDetector> All { get; } =
    [
        new("windowed-gaussian", () => new WindowedGaussianModel()),
        new(BaselineModel.KindName, () => new BaselineModel(FeatureSchema.Univariate, BaselineOptions.Default)),
        new(ContextModel.KindName, () => new ContextModel(FeatureSchema.Univariate, ContextOptions.Default)),
        new(CorroboratedModel.KindName, () => new CorroboratedModel(FeatureSchema.Univariate, CorroboratedOptions.Default)),
        new(ResonanceModel.KindName, () => new ResonanceModel(FeatureSchema.Univariate, ResonanceOptions.Default)),
        new(IsolationForestModel.KindName, () => new IsolationForestModel(FeatureSchema.Univariate, IsolationForestOptions.Default)),
        new(LookaheadResonance.Name, () => throw new InvalidOperationException($"{LookaheadResonance.Name} is set per file"), LookaheadResonance.For),
        ProbationTrained.Detector(TorchSequenceModel.LstmKind),
        ProbationTrained.Detector(TorchSequenceModel.TransformerKind),
        ProbationTrained.Detector(MlNetPcaModel.KindName),
    ];
}

/// <summary>
/// A detector's name on the NAB line and how to build its model: one model for the corpus (<see cref="Create"/>),
/// or, for detectors trained offline, one per file from that file's probation rows (<see cref="PerFile"/>).
/// </summary>
internal sealed record NabDetector(string Name, Func<IAnomalyModel> Create, Func<NabFile, IAnomalyModel>? PerFile = null);
