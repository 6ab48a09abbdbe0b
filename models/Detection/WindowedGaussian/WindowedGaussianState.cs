namespace OtlpGrains.Models.Detection.WindowedGaussian;

/// <summary>The windows of one series, one per signal of the model's schema. Bounded by the window plus a step.</summary>
[GenerateSerializer, Alias("otlpgrains.WindowedGaussianState")]
public sealed class WindowedGaussianState : DetectorState
{
    public override string Kind => WindowedGaussianModel.ModelKind;

    [Id(0)]
    public GaussianWindow[] Signals { get; init; } = [];
}
