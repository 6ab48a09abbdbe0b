using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>A span as the replay sends it: a recorded one with its inferred kind, or a CLIENT span it inferred.</summary>
internal sealed record ReplaySpan(
    string TraceId,
    string SpanId,
    string? ParentId,
    string Service,
    string Pod,
    string Operation,
    long StartUnixNano,
    long EndUnixNano,
    Span.Types.SpanKind Kind,
    bool IsError,
    bool Inferred);
