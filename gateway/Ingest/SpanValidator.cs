namespace OtlpGrains.Gateway.Ingest;

/// <summary>OTLP id rules: a trace id is 16 bytes, a span id 8, neither all zero; a parent id is empty or 8 bytes.</summary>
internal static class SpanValidator
{
    /// <summary>Null when the span's ids are valid, else a short reason.</summary>
    public static string? Check(ReadOnlySpan<byte> traceId, ReadOnlySpan<byte> spanId, ReadOnlySpan<byte> parentSpanId)
    {
        if (!IsValidId(traceId, 16))
        {
            return $"trace id must be 16 bytes and not all zero (got {traceId.Length} bytes)";
        }

        if (!IsValidId(spanId, 8))
        {
            return $"span id must be 8 bytes and not all zero (got {spanId.Length} bytes)";
        }

        if (!parentSpanId.IsEmpty && parentSpanId.Length != 8)
        {
            return $"parent span id must be empty or 8 bytes (got {parentSpanId.Length} bytes)";
        }

        return null;
    }

    /// <summary>
    /// A span has a parent when its parent id is 8 bytes and not all zero; an all-zero parent is the invalid id,
    /// which OpenTelemetry treats as "no parent", so such a span is a root.
    /// </summary>
    public static bool HasParent(ReadOnlySpan<byte> parentSpanId) => IsValidId(parentSpanId, 8);

    public static bool IsValidId(ReadOnlySpan<byte> id, int length) =>
        id.Length == length && id.IndexOfAnyExcept((byte)0) >= 0;
}
