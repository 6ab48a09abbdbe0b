namespace OtlpGrains.Interfaces;

/// <summary>What the directory made of one workload report.</summary>
/// <param name="Accepted">Entries taken (an older owner's entry is taken but does not replace the newer one).</param>
/// <param name="Rejected">Entries refused: invalid, or new addresses beyond the directory's bound.</param>
/// <param name="Error">Why the first refused entry was refused, or null.</param>
[GenerateSerializer, Immutable, Alias("otlpgrains.WorkloadReportResult")]
public sealed record WorkloadReportResult(
    [property: Id(0)] int Accepted,
    [property: Id(1)] int Rejected,
    [property: Id(2)] string? Error);
