using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection;

/// <summary>A loaded model version and the name it goes by in events and reports.</summary>
public sealed record DetectorChoice(AnomalyModelRef Ref, IAnomalyModel Model);

/// <summary>
/// The versions one signal of a service is scored with at a window boundary: production, whose verdicts raise
/// anomalies, and optionally a shadow, scored beside it with its own state and only compared.
/// </summary>
public sealed record DetectionLineup(DetectorChoice Production, DetectorChoice? Shadow);
