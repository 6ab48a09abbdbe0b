using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Traces;

/// <summary>
/// Per service, in ms, the time its spans did not spend in a child span: each span's duration minus the union of
/// its children's intervals clipped to the span.
/// </summary>
internal static class SelfTime
{
    private const double NanosPerMs = 1_000_000d;

    public static Dictionary<string, double> Ms(TraceSpanStore store, TraceForest forest)
    {
        var spans = store.Spans;
        var nanos = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < spans.Count; i++)
        {
            var span = spans[i];
            var spanEnd = Math.Max(span.StartUnixNano, span.EndUnixNano);

            // Children come sorted by start, so their clipped intervals merge in one pass.
            long covered = 0, runStart = 0, runEnd = long.MinValue;
            for (var c = forest.ChildStart[i]; c < forest.ChildStart[i + 1]; c++)
            {
                var child = spans[forest.Children[c]];
                var start = Math.Max(child.StartUnixNano, span.StartUnixNano);
                var end = Math.Min(child.EndUnixNano, spanEnd);
                if (end <= start || forest.Children[c] == i)
                {
                    continue;
                }

                if (start > runEnd)
                {
                    covered += runEnd == long.MinValue ? 0 : runEnd - runStart;
                    runStart = start;
                    runEnd = end;
                }
                else if (end > runEnd)
                {
                    runEnd = end;
                }
            }

            covered += runEnd == long.MinValue ? 0 : runEnd - runStart;
            nanos[span.Service] = nanos.GetValueOrDefault(span.Service) + (spanEnd - span.StartUnixNano - covered);
        }

        var ms = new Dictionary<string, double>(nanos.Count, StringComparer.Ordinal);
        foreach (var (service, total) in nanos)
        {
            ms[service] = total / NanosPerMs;
        }

        return ms;
    }
}
