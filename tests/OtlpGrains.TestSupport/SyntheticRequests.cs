using OtlpGrains.Interfaces;

namespace OtlpGrains.TestSupport;

/// <summary>A window of a service's requests for the detection tests: 200 SERVER spans of 20-35 ms, each failed with a given probability.</summary>
public static class SyntheticRequests
{
    public const long Width = 10_000_000_000L;

    public static ServiceSpanBatch Batch(long windowStart, Random random, double errorRate) => new(
        Guid.NewGuid(),
        ["GET /"],
        [.. Enumerable.Range(0, 200).Select(i => new ServiceSpan(
            windowStart + ((i + 1) * (Width / 210)),
            (long)((20 + (5 * (random.NextDouble() + random.NextDouble() + random.NextDouble()))) * 1_000_000),
            0,
            SpanKindCode.Server,
            random.NextDouble() < errorRate ? SpanRole.Request | SpanRole.Error : SpanRole.Request))]);
}
