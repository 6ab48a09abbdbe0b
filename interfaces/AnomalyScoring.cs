namespace OtlpGrains.Interfaces;

/// <summary>
/// A contiguous run of a service's closed windows of one signal that one model version scored: how many, the first
/// and the last window start (event time). A service keeps the last few runs, so a hot swap can be checked: every
/// window scored once, by the old version up to the switch and by the new one after.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.AnomalyScoring")]
public sealed record AnomalyScoring(
    [property: Id(0)] string Signal,
    [property: Id(1)] AnomalyModelRef Model,
    [property: Id(2)] long Windows,
    [property: Id(3)] DateTimeOffset FirstWindowStart,
    [property: Id(4)] DateTimeOffset LastWindowStart);
