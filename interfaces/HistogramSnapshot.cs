namespace OtlpGrains.Interfaces;

/// <summary>
/// A latency histogram as it crosses a grain (or cluster) boundary, mergeable by adding counts index by index:
/// bucket i counts durations in (gamma^(i-1), gamma^i] milliseconds, and <see cref="Counts"/>[j] is bucket
/// <see cref="Offset"/> + j. Durations under a microsecond are in <see cref="ZeroCount"/>.
/// </summary>
/// <param name="Offset">Bucket index of <see cref="Counts"/>[0].</param>
/// <param name="Counts">Counts of consecutive buckets, without empty ends.</param>
/// <param name="ZeroCount">Durations too short for a bucket.</param>
/// <param name="Count">All recorded durations: <see cref="ZeroCount"/> plus the sum of <see cref="Counts"/>.</param>
/// <param name="SumMs">Sum of the recorded durations in milliseconds.</param>
[GenerateSerializer, Immutable, Alias("otlpgrains.HistogramSnapshot")]
public sealed record HistogramSnapshot(
    [property: Id(0)] int Offset,
    [property: Id(1)] int[] Counts,
    [property: Id(2)] long ZeroCount,
    [property: Id(3)] long Count,
    [property: Id(4)] double SumMs)
{
    /// <summary>Relative accuracy alpha of the buckets: a bucket's representative is within alpha of its values.</summary>
    public const double RelativeAccuracy = 0.01;

    /// <summary>The bucket growth factor (1 + alpha) / (1 - alpha); part of the wire format, so that readers need no code.</summary>
    public static double Gamma { get; } = (1 + RelativeAccuracy) / (1 - RelativeAccuracy);

    /// <summary>An empty histogram.</summary>
    public static HistogramSnapshot Empty { get; } = new(0, [], 0, 0, 0);
}
