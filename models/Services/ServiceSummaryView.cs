using OtlpGrains.Interfaces;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>A service at a glance: totals since first seen; rate, error ratio and latency over the last complete span window.</summary>
internal static class ServiceSummaryView
{
    private const double NanosPerSecond = 1_000_000_000d;

    /// <summary><see cref="ServiceSummary.LastSeen"/> is the span signal's watermark.</summary>
    public static ServiceSummary Build(string name, SpanSignal spans, ServiceCounters counters)
    {
        EventTimeWindows<SpanWindow> windows = spans.Windows.Windows;
        if (!windows.TryGetLastComplete(out TimeWindow<SpanWindow> last))
        {
            return new ServiceSummary(name, counters.Spans, counters.Requests, counters.Errors, 0, 0, LatencySummary.Empty, null, null, null);
        }

        SpanWindow window = last.Bucket;
        return new ServiceSummary(
            name,
            counters.Spans,
            counters.Requests,
            counters.Errors,
            window.Requests / (windows.WidthNanos / NanosPerSecond),
            window.Requests == 0 ? 0 : (double)window.Errors / window.Requests,
            window.RequestLatency.Summary(),
            windows.Watermark is { } watermark ? UnixNanos.ToDateTimeOffset(watermark) : null,
            last.Start,
            last.End);
    }
}
