using OtlpGrains.Interfaces;

namespace OtlpGrains.TestSupport;

/// <summary>Builds trace spans with times in whole milliseconds, so that expected values stay readable.</summary>
public static class TraceTestSpans
{
    public const long Ms = 1_000_000;

    public static TraceSpan Span(
        ulong id,
        ulong parent,
        string service,
        long startMs,
        long endMs,
        SpanKindCode kind = SpanKindCode.Internal,
        bool error = false,
        string? peer = null) =>
        new(id, parent, service, $"op{id}", kind, startMs * Ms, endMs * Ms, error ? (byte)2 : (byte)0, error, peer);
}
