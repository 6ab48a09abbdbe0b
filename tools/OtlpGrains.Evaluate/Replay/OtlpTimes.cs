using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Metrics.V1;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// The event times inside an OTLP export request: the newest one (when an SDK or Collector would have sent it), the
/// items it carries, and a shift of every time field by one offset. A zero time means "unset" in OTLP and stays zero.
/// </summary>
internal static class OtlpTimes
{
    /// <summary>The newest event time in the request (span ends, log times, point times), or null when it has none.</summary>
    public static long? Latest(IMessage request)
    {
        ulong latest = 0;
        Visit(request, t => latest = Math.Max(latest, t), t => t);
        return latest > 0 ? (long)latest : null;
    }

    /// <summary>Spans, log records or data points in the request.</summary>
    public static int Items(IMessage request) => request switch
    {
        ExportTraceServiceRequest traces => traces.ResourceSpans.SelectMany(r => r.ScopeSpans).Sum(s => s.Spans.Count),
        ExportLogsServiceRequest logs => logs.ResourceLogs.SelectMany(r => r.ScopeLogs).Sum(s => s.LogRecords.Count),
        ExportMetricsServiceRequest metrics => metrics.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics).Sum(Points),
        _ => throw new ArgumentException($"not an OTLP export request: {request.GetType().Name}", nameof(request)),
    };

    /// <summary>Adds <paramref name="offsetNanos"/> to every set time field of the request, in place.</summary>
    public static void Shift(IMessage request, long offsetNanos)
    {
        if (offsetNanos != 0)
        {
            Func<ulong, ulong> shift = t => t == 0 ? 0 : checked((ulong)((long)t + offsetNanos));
            Visit(request, shift, shift);
        }
    }

    internal static int Points(Metric metric) => metric.DataCase switch
    {
        Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Count,
        Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Count,
        Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Count,
        Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.DataPoints.Count,
        Metric.DataOneofCase.Summary => metric.Summary.DataPoints.Count,
        _ => 0,
    };

    // One walk serves reading and shifting: `at` gets the time a span, record or point is at (a span's end, a record's
    // time or else its observed time, a point's time), `along` the other times (starts, span events, exemplars); each
    // returns the value to store.
    private static void Visit(IMessage request, Func<ulong, ulong> at, Func<ulong, ulong> along)
    {
        switch (request)
        {
            case ExportTraceServiceRequest traces:
                foreach (var span in traces.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans))
                {
                    span.StartTimeUnixNano = along(span.StartTimeUnixNano);
                    span.EndTimeUnixNano = at(span.EndTimeUnixNano);
                    foreach (var e in span.Events)
                    {
                        e.TimeUnixNano = along(e.TimeUnixNano);
                    }
                }

                break;
            case ExportLogsServiceRequest logs:
                foreach (var record in logs.ResourceLogs.SelectMany(r => r.ScopeLogs).SelectMany(s => s.LogRecords))
                {
                    record.TimeUnixNano = at(record.TimeUnixNano);
                    record.ObservedTimeUnixNano = record.TimeUnixNano == 0 ? at(record.ObservedTimeUnixNano) : along(record.ObservedTimeUnixNano);
                }

                break;
            case ExportMetricsServiceRequest metrics:
                foreach (var metric in metrics.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics))
                {
                    VisitPoints(metric, at, along);
                }

                break;
            default:
                throw new ArgumentException($"not an OTLP export request: {request.GetType().Name}", nameof(request));
        }
    }

    private static void VisitPoints(Metric metric, Func<ulong, ulong> at, Func<ulong, ulong> along)
    {
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge or Metric.DataOneofCase.Sum:
                foreach (var p in metric.DataCase == Metric.DataOneofCase.Gauge ? metric.Gauge.DataPoints : metric.Sum.DataPoints)
                {
                    (p.StartTimeUnixNano, p.TimeUnixNano) = (along(p.StartTimeUnixNano), at(p.TimeUnixNano));
                    MoveExemplars(p.Exemplars, along);
                }

                break;
            case Metric.DataOneofCase.Histogram:
                foreach (var p in metric.Histogram.DataPoints)
                {
                    (p.StartTimeUnixNano, p.TimeUnixNano) = (along(p.StartTimeUnixNano), at(p.TimeUnixNano));
                    MoveExemplars(p.Exemplars, along);
                }

                break;
            case Metric.DataOneofCase.ExponentialHistogram:
                foreach (var p in metric.ExponentialHistogram.DataPoints)
                {
                    (p.StartTimeUnixNano, p.TimeUnixNano) = (along(p.StartTimeUnixNano), at(p.TimeUnixNano));
                    MoveExemplars(p.Exemplars, along);
                }

                break;
            case Metric.DataOneofCase.Summary:
                foreach (var p in metric.Summary.DataPoints)
                {
                    (p.StartTimeUnixNano, p.TimeUnixNano) = (along(p.StartTimeUnixNano), at(p.TimeUnixNano));
                }

                break;
        }
    }

    private static void MoveExemplars(IEnumerable<Exemplar> exemplars, Func<ulong, ulong> along)
    {
        foreach (var exemplar in exemplars)
        {
            exemplar.TimeUnixNano = along(exemplar.TimeUnixNano);
        }
    }
}
