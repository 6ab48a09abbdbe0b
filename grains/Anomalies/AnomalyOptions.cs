namespace OtlpGrains.Grains.Anomalies;

/// <summary>How service grains score their closed windows (<c>OtlpGrains:Anomaly</c>).</summary>
public sealed class AnomalyOptions
{
    public const string SectionName = "OtlpGrains:Anomaly";

    /// <summary>
    /// The registry model that scores the span signal (RED). While it has no production version, the built-in
    /// streaming baseline (<c>builtin</c> v0, <c>BaselineOptions.Default</c>) scores. Default: <c>red</c>.
    /// </summary>
    public string Model { get; set; } = "red";

    /// <summary>Seconds between two score reports of a silo to the registry (one call per period). Default: 5.</summary>
    public double ReportSeconds { get; set; } = 5;

    /// <summary>
    /// Seconds between two checks of the registry for the model's production and shadow versions, beside the
    /// <c>models</c> stream (which is not durable: a change announced while a silo was away is caught here). Default: 30.
    /// </summary>
    public double RefreshSeconds { get; set; } = 30;
}
