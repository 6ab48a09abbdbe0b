using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>An operation's recent p99, which tail sampling compares a trace's root span against.</summary>
internal static class OperationP99View
{
    /// <summary>
    /// p99 (ms) of the operation's span latency in the span windows overlapping the lookback before the span
    /// watermark, or null when the operation is unknown or had fewer than <paramref name="minCount"/> spans there.
    /// </summary>
    public static double? Build(SpanSignal spans, string operation, int minCount, long lookbackNanos)
    {
        EventTimeWindows<SpanWindow> windows = spans.Windows.Windows;
        if (windows.Watermark is not { } watermark || !spans.Operations.TryGetId(operation, out int id))
        {
            return null;
        }

        long to = watermark == long.MaxValue ? watermark : watermark + 1;
        long from = watermark < long.MinValue + lookbackNanos ? long.MinValue : watermark - lookbackNanos;
        long count = 0;
        var latency = new LatencyHistogram();
        foreach (TimeWindow<SpanWindow> window in windows.Range(from, to))
        {
            if (window.Bucket.Operations.TryGetValue(id, out OperationWindow? stats))
            {
                count += stats.Spans;
                latency.Merge(stats.Latency);
            }
        }

        return count < minCount ? null : latency.QuantileMs(0.99);
    }
}
