using Google.Protobuf;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Gateway.Ingest;

namespace OtlpGrains.Gateway.Oracle;

// The gateway's code before the protobuf wire reader (#11), on Google.Protobuf's message tree: kept unchanged as
// the oracle that the reader's plans are compared with.
/// <summary>OTLP id rules: a trace id is 16 bytes, a span id 8, neither all zero; a parent id is empty or 8 bytes.</summary>
internal static class SpanValidator
{
    /// <summary>Null when the span is valid, else a short reason.</summary>
    public static string? Check(Span span)
    {
        if (!IsValidId(span.TraceId, 16))
        {
            return $"trace id must be 16 bytes and not all zero (got {span.TraceId.Length} bytes)";
        }

        if (!IsValidId(span.SpanId, 8))
        {
            return $"span id must be 8 bytes and not all zero (got {span.SpanId.Length} bytes)";
        }

        if (!span.ParentSpanId.IsEmpty && span.ParentSpanId.Length != 8)
        {
            return $"parent span id must be empty or 8 bytes (got {span.ParentSpanId.Length} bytes)";
        }

        return null;
    }

    /// <summary>
    /// A span has a parent when its parent id is 8 bytes and not all zero; an all-zero parent is the invalid id,
    /// which OpenTelemetry treats as "no parent", so such a span is a root.
    /// </summary>
    public static bool HasParent(Span span) => IsValidId(span.ParentSpanId, 8);

    public static bool IsValidId(ByteString id, int length) =>
        id.Length == length && id.Span.IndexOfAnyExcept((byte)0) >= 0;
}
