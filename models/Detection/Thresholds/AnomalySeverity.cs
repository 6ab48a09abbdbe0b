namespace OtlpGrains.Models.Detection.Thresholds;

/// <summary>How bad a window is, by the risk level of the adaptive threshold it crossed (<see cref="SpotOptions"/>).</summary>
public enum AnomalySeverity
{
    /// <summary>Within the service's normal life (or the threshold is still calibrating).</summary>
    None = 0,

    /// <summary>Above the threshold a normal window exceeds with probability <see cref="SpotOptions.WarningRisk"/>.</summary>
    Warning = 1,

    /// <summary>Above the threshold a normal window exceeds with probability <see cref="SpotOptions.CriticalRisk"/>.</summary>
    Critical = 2,
}
