using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.LoadTool;

/// <summary>
/// The trace the load tool sends: a SERVER root in service A with an INTERNAL child that calls B (CLIENT then
/// SERVER), B calls C the same way, and C queries PostgreSQL (a CLIENT span with <c>db.system</c>, a virtual
/// node). Fewer spans cut the chain short; more add INTERNAL spans under the three SERVER spans in turn.
/// </summary>
internal static class TraceShape
{
    private static readonly (string Key, string Value)[] NoAttributes = [];

    private static readonly (string Key, string Value)[] Postgres = [("db.system", "postgresql"), ("db.name", "ledger")];

    /// <summary>The server spans extra INTERNAL spans hang under, in turn.</summary>
    private static readonly int[] ServerSpans = [0, 3, 5];

    public static IReadOnlyList<ShapedSpan> Spans(int count, int trace, int services, bool failed, FaultPlan? fault = null)
    {
        int a = trace % services;
        int b = (trace + 1) % services;
        int c = (trace + 2) % services;
        ShapedSpan[] chain =
        [
            new(a, -1, "GET /checkout", Span.Types.SpanKind.Server, 0, 10_000, false, NoAttributes),
            new(a, 0, "validate cart", Span.Types.SpanKind.Internal, 500, 9_500, false, NoAttributes),
            new(a, 1, "POST /payments", Span.Types.SpanKind.Client, 1_000, 9_000, false, NoAttributes),
            new(b, 2, "POST /payments", Span.Types.SpanKind.Server, 1_500, 8_500, false, NoAttributes),
            new(b, 3, "GET /ledger", Span.Types.SpanKind.Client, 2_000, 8_000, false, NoAttributes),
            new(c, 4, "GET /ledger", Span.Types.SpanKind.Server, 2_500, 7_500, false, NoAttributes),
            new(c, 5, "SELECT ledger", Span.Types.SpanKind.Client, 3_000, 7_000, false, Postgres),
        ];

        var spans = new List<ShapedSpan>(count);
        spans.AddRange(chain.Take(count));
        for (int i = chain.Length; i < count; i++)
        {
            ShapedSpan parent = chain[ServerSpans[(i - chain.Length) % ServerSpans.Length]];
            int parentIndex = ServerSpans[(i - chain.Length) % ServerSpans.Length];
            spans.Add(new ShapedSpan(parent.Service, parentIndex, "work", Span.Types.SpanKind.Internal, parent.StartMicros + 100, parent.EndMicros - 100, false, NoAttributes));
        }

        if (failed)
        {
            // The deepest server span fails: one failed request in the trace.
            int deepest = ServerSpans.Last(index => index < spans.Count);
            spans[deepest] = spans[deepest] with { Error = true };
        }

        if (fault is not null)
        {
            Inject(spans, trace, fault);
        }

        return spans;
    }

    private static void Inject(List<ShapedSpan> spans, int trace, FaultPlan fault)
    {
        for (int i = 0; i < spans.Count; i++)
        {
            ShapedSpan span = spans[i];
            if (span.Service != fault.Service || span.Kind != Span.Types.SpanKind.Server)
            {
                continue;
            }

            if (fault.Kind == FaultKind.Errors)
            {
                spans[i] = span with { Error = span.Error || fault.FailsTrace(trace) };
                continue;
            }

            // The server's own time grows; it and every ancestor up to the root end later by as much.
            ulong extra = (ulong)((fault.LatencyFactor - 1) * (span.EndMicros - span.StartMicros));
            for (int j = i; j >= 0; j = spans[j].Parent)
            {
                spans[j] = spans[j] with { EndMicros = spans[j].EndMicros + extra };
            }
        }
    }
}
