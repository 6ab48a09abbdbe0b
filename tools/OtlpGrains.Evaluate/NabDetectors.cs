using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.IsolationForest;
using OtlpGrains.Models.Detection.WindowedGaussian;
using OtlpGrains.Interfaces;

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
        new(IsolationForestModel.KindName, () => new IsolationForestModel(FeatureSchema.Univariate, IsolationForestOptions.Default)),
    ];
}

/// <summary>A detector's name on the NAB line and how to build its model.</summary>
internal sealed record NabDetector(string Name, Func<IAnomalyModel> Create);
