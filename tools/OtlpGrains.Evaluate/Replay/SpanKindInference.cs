using System.Globalization;
using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Gives the recorded spans (which have no kind) the kinds our trace assembly pairs into service edges:
/// <list type="bullet">
/// <item>a root span is SERVER: the request entered the system there;</item>
/// <item>a span whose parent is in another service is SERVER, and an inferred CLIENT span stands between the two:
/// in the caller's service and pod, a child of the original parent, named after the callee's operation, with the
/// server span's start and end, and an id derived from the server span's so that a replay is repeatable; the server
/// span becomes its child, so that the CLIENT-parent-of-SERVER pairing makes the edge caller -> callee;</item>
/// <item>a span whose parent is not in the same file is SERVER with no client: its caller is unknown;</item>
/// <item>every other span is INTERNAL.</item>
/// </list>
/// A span that an ERROR or FATAL log line names (same trace and span id) gets status ERROR: the data has no status
/// column, and that is the only failure signal it carries per span.
/// </summary>
internal static class SpanKindInference
{
    public static List<ReplaySpan> Infer(IReadOnlyList<NezhaSpan> spans, IReadOnlySet<(string TraceId, string SpanId)> errorSpans)
    {
        var byId = new Dictionary<(string, string), NezhaSpan>(spans.Count);
        foreach (NezhaSpan span in spans)
        {
            byId.TryAdd((span.TraceId, span.SpanId), span);
        }

        var result = new List<ReplaySpan>(spans.Count + (spans.Count / 4));
        foreach (NezhaSpan span in spans)
        {
            bool error = errorSpans.Contains((span.TraceId, span.SpanId));
            if (span.ParentId is null)
            {
                result.Add(From(span, span.ParentId, Span.Types.SpanKind.Server, error));
                continue;
            }

            if (!byId.TryGetValue((span.TraceId, span.ParentId), out NezhaSpan? parent))
            {
                result.Add(From(span, span.ParentId, Span.Types.SpanKind.Server, error));
                continue;
            }

            if (parent.Service == span.Service)
            {
                result.Add(From(span, span.ParentId, Span.Types.SpanKind.Internal, error));
                continue;
            }

            string clientId = ClientSpanId(span, byId);
            result.Add(new ReplaySpan(
                span.TraceId, clientId, parent.SpanId, parent.Service, parent.Pod, span.Operation,
                span.StartUnixNano, span.EndUnixNano, Span.Types.SpanKind.Client, false, true));
            result.Add(From(span, clientId, Span.Types.SpanKind.Server, error));
        }

        return result;
    }

    private static ReplaySpan From(NezhaSpan span, string? parentId, Span.Types.SpanKind kind, bool error) => new(
        span.TraceId, span.SpanId, parentId, span.Service, span.Pod, span.Operation,
        span.StartUnixNano, span.EndUnixNano, kind, error, false);

    /// <summary>
    /// A 64-bit FNV-1a hash of the trace and server span ids, as 16 hex digits, never zero and never an id the trace
    /// already has (rehashed until free).
    /// </summary>
    internal static string ClientSpanId(NezhaSpan server, IReadOnlyDictionary<(string, string), NezhaSpan> byId)
    {
        ulong hash = 14695981039346656037UL;
        for (int salt = 0; ; salt++)
        {
            hash = Mix(hash, server.TraceId);
            hash = Mix(hash, server.SpanId);
            hash = Mix(hash, salt.ToString(CultureInfo.InvariantCulture));
            string id = hash.ToString("x16", CultureInfo.InvariantCulture);
            if (hash != 0 && !byId.ContainsKey((server.TraceId, id)))
            {
                return id;
            }
        }
    }

    private static ulong Mix(ulong hash, string text)
    {
        foreach (char c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
