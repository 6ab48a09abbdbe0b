using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.Context;
using OtlpGrains.Models.Detection.Corroborated;
using OtlpGrains.Models.Detection.IsolationForest;
using OtlpGrains.Models.Detection.MlNet;
using OtlpGrains.Models.Detection.Resonance;
using OtlpGrains.Models.Detection.Torch;
using OtlpGrains.Models.Detection.WindowedGaussian;

namespace OtlpGrains.Models.Artifacts;

/// <summary>The codec of every detector kind this build ships, for the registry's upload checks and the training command.</summary>
public static class DetectorCodecs
{
    public static IReadOnlyList<IModelCodec> Create() =>
    [
        new BaselineCodec(),
        new ContextCodec(),
        new CorroboratedCodec(),
        new IsolationForestCodec(),
        new MlNetPcaCodec(),
        new ResonanceCodec(),
        new TorchSequenceCodec(TorchSequenceModel.LstmKind),
        new TorchSequenceCodec(TorchSequenceModel.TransformerKind),
        new WindowedGaussianCodec(),
    ];
}
