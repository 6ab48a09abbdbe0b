using System.Globalization;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Traces;

/// <summary>Builds the <see cref="TraceView"/> of an assembled trace: spans parents first, critical path, self time.</summary>
internal static class TraceViewBuilder
{
    private const double NanosPerMs = 1_000_000d;

    /// <summary>The assembled trace as the query API shows it.</summary>
    public static TraceView Build(TraceSpanStore store, string traceId, string keptBecause)
    {
        var spans = store.Spans;
        var forest = TraceForest.Build(store);
        var onPath = CriticalPath.Mark(store, forest);
        var views = new TraceSpanView[forest.Order.Length];
        var path = new List<string>();
        for (var k = 0; k < forest.Order.Length; k++)
        {
            var index = forest.Order[k];
            var span = spans[index];
            var id = Hex(span.SpanId);
            views[k] = new TraceSpanView(
                id,
                span.ParentSpanId == 0 ? null : Hex(span.ParentSpanId),
                span.Service,
                span.Name,
                KindName(span.Kind),
                ToTime(span.StartUnixNano),
                ToTime(span.EndUnixNano),
                Duration(span) / NanosPerMs,
                StatusName(span.StatusCode))
            {
                Attributes = AttributeDecoder.Decode(store.AttributesOf(index)),
            };
            if (onPath[index])
            {
                path.Add(id);
            }
        }

        return new TraceView(traceId, views, [.. path], SelfTime.Ms(store, forest), store.Orphans, store.CutSpans, keptBecause);
    }

    private static long Duration(TraceSpan span) => Math.Max(0, span.EndUnixNano - span.StartUnixNano);

    private static string Hex(ulong id) => id.ToString("x16", CultureInfo.InvariantCulture);

    private static DateTimeOffset ToTime(long unixNanos) => DateTimeOffset.UnixEpoch.AddTicks(unixNanos / 100);

    private static string KindName(SpanKindCode kind) => kind switch
    {
        SpanKindCode.Internal => "INTERNAL",
        SpanKindCode.Server => "SERVER",
        SpanKindCode.Client => "CLIENT",
        SpanKindCode.Producer => "PRODUCER",
        SpanKindCode.Consumer => "CONSUMER",
        _ => "UNSPECIFIED",
    };

    private static string StatusName(byte statusCode) => statusCode switch
    {
        1 => "OK",
        2 => "ERROR",
        _ => "UNSET",
    };
}
