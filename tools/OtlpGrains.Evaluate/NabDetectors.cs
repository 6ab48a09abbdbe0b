using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.WindowedGaussian;

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
    ];
}

/// <summary>A detector's name on the NAB line and how to build its model.</summary>
internal sealed record NabDetector(string Name, Func<IAnomalyModel> Create);
