using OtlpGrains.Federation.V1;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Gateway.Federation;

/// <summary>Reads and checks the ranges of a peer's evidence request.</summary>
internal static class EvidenceRange
{
    // A peer asks for an incident's minutes and the half hour before them; a day bounds what one call may scan.
    private const ulong MaxSpanNanos = 86_400UL * 1_000_000_000;

    public static string? Problem(GetEvidenceRequest request)
    {
        if (string.IsNullOrEmpty(request.Service))
        {
            return "service must be set";
        }

        if (request.ToUnixNano <= request.FromUnixNano || request.BaselineToUnixNano <= request.BaselineFromUnixNano)
        {
            return "each range must end after it starts";
        }

        return request.ToUnixNano - request.FromUnixNano > MaxSpanNanos || request.BaselineToUnixNano - request.BaselineFromUnixNano > MaxSpanNanos
            ? "a range may cover one day at most"
            : null;
    }

    public static (DateTimeOffset From, DateTimeOffset To, DateTimeOffset BaselineFrom, DateTimeOffset BaselineTo) Of(GetEvidenceRequest request) =>
        (Time(request.FromUnixNano), Time(request.ToUnixNano), Time(request.BaselineFromUnixNano), Time(request.BaselineToUnixNano));

    private static DateTimeOffset Time(ulong unixNanos) => UnixNanos.ToDateTimeOffset((long)Math.Min(unixNanos, long.MaxValue));
}
