namespace OtlpGrains.Interfaces;

/// <summary>
/// Where a service's detection stands: the verdict on its last closed span window (<see cref="Status"/>
/// <c>ok|warning|critical</c>), that window's score, and the model version that scored it.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.AnomalyStatus")]
public sealed record AnomalyStatus(
    [property: Id(0)] double Score,
    [property: Id(1)] string Status,
    [property: Id(2)] AnomalyModelRef Model)
{
    /// <summary>Before the first closed span window: status ok, score 0, the built-in model.</summary>
    public static AnomalyStatus Initial { get; } = new(0, "ok", AnomalyModelRef.Builtin);
}
