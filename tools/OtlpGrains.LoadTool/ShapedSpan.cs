using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.LoadTool;

/// <summary>One span of the load trace before ids and times are assigned; times are microseconds into the trace.</summary>
internal sealed record ShapedSpan(
    int Service,
    int Parent,
    string Name,
    Span.Types.SpanKind Kind,
    ulong StartMicros,
    ulong EndMicros,
    bool Error,
    IReadOnlyList<(string Key, string Value)> Attributes);
