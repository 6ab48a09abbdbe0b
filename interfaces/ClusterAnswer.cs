namespace OtlpGrains.Interfaces;

/// <summary>
/// One cluster's part in a federated answer: its name, how it answered, a one-line detail when it did not, and the age
/// in seconds of the copy served (null for a live answer or when no copy was ever received).
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ClusterAnswer")]
public sealed record ClusterAnswer(
    [property: Id(0)] string Name,
    [property: Id(1)] ClusterStatus Status,
    [property: Id(2)] string? Detail,
    [property: Id(3)] double? AgeSeconds);
